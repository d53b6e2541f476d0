/** The OpenAI simulator's life in a test file: started once, reset before each test, stopped after. */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { InvitesSimulator } from '../../local/openai-simulator';

export const useSimulator = (simulator: InvitesSimulator): void => {
  beforeAll(async () => {
    await simulator.start();
  });
  afterAll(async () => {
    await simulator.stop();
  });
  beforeEach(() => {
    simulator.reset();
  });
};
