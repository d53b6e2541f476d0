/**
 * The lines `npm start` ends its banner with: `export` lines for the variables the CLI and
 * examples/sdk.mjs read, to paste into another terminal, and where the JSON logs go.
 */

/** The simulator's control and state routes live on its origin; the SDK and CLI read these names. */
export const SIMULATOR_URL_VARIABLE = 'INVITES_SIMULATOR_URL';

export const shellSetup = (options: {
  gatewayUrl: string;
  simulatorUrl?: string;
  logFile?: string;
}): string[] => [
  'logs         ' +
    (options.logFile
      ? `one line per invite outcome here; JSON log lines in ${options.logFile} (LOG_FORMAT=json prints them here)`
      : 'JSON log lines here (LOG_FORMAT=json)'),
  'In another terminal, for openai-invites and examples/sdk.mjs (npm start checks no token):',
  `export INVITES_API_URL=${options.gatewayUrl}`,
  ...(options.simulatorUrl
    ? [`export ${SIMULATOR_URL_VARIABLE}=${new URL(options.simulatorUrl).origin}`]
    : []),
  'unset INVITES_API_TOKEN',
];
