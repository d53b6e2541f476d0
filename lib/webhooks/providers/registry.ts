/**
 * THE list of HR webhook providers. The webhook route (`/webhooks/{provider}`), the "Known: …"
 * text of an unknown provider's 404, the entries read from the webhook secret and the local
 * development secrets `npm start` prints all come from here. Adding a provider: one file in this
 * folder exporting a `WebhookProvider`, plus one line in BUILT_IN below (README, "HR webhooks").
 */
import type { WebhookProvider, WebhookSecrets } from '../types';
import { bambooHrProvider } from './bamboohr';
import { greenhouseProvider } from './greenhouse';
import { oktaProvider } from './okta';
import { standardProvider } from './standard';

const BUILT_IN: readonly WebhookProvider[] = [
  standardProvider,
  greenhouseProvider,
  oktaProvider,
  bambooHrProvider,
];

/** A Map, not an object: a path segment such as "__proto__" or "constructor" finds nothing. */
const providers = new Map<string, WebhookProvider>(BUILT_IN.map((provider) => [provider.name, provider]));

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** The provider registered under `name`, or undefined. */
export const findProvider = (name: string | undefined): WebhookProvider | undefined =>
  name === undefined ? undefined : providers.get(name);

/** Every registered provider's name, in registration order. */
export const providerNames = (): string[] => [...providers.keys()];

/** Every provider's obviously fake development secret (`npm start` without configured secrets). */
export const localDevelopmentWebhookSecrets = (): WebhookSecrets => ({
  signing: Object.fromEntries([...providers.values()].map((p) => [p.name, p.developmentSecret])),
});

/**
 * Registers a provider at run time and returns what unregisters it. Built-in providers belong in
 * BUILT_IN; this is for tests (a throwaway provider) and for an embedding application.
 */
export const registerProvider = (provider: WebhookProvider): (() => void) => {
  if (!NAME.test(provider.name)) {
    throw new Error(
      `A webhook provider's name is lowercase [a-z0-9-], got ${JSON.stringify(provider.name)}.`,
    );
  }
  if (providers.has(provider.name))
    throw new Error(`Webhook provider ${provider.name} is already registered.`);
  providers.set(provider.name, provider);
  return () => void providers.delete(provider.name);
};
