/** Runs before every test file: dummy AWS credentials aimed at moto, and the output recorder. */
import { inject } from 'vitest';
import { installOutputRecorder } from './captured-output';

process.env.AWS_ENDPOINT_URL = inject('motoEndpoint');
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_SERVICE_NAME = 'openai-invites-test';
installOutputRecorder();
