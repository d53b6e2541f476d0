/** The budget's keys in the ledger table (dynamodb-store.ts), apart so the stack can read them lightly. */
export const BUDGET_KEY_PREFIX = 'BUDGET#';
export const BUDGET_SORT_KEY = 'BUCKET';
