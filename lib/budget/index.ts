/** What other features use of the budget: lanes for their calls, and the container's budget. */
export { inLane, currentLane, type Lane, LANES } from './lanes';
export { SharedBudget, type Ticket } from './budget';
export { findBudget, setBudget, createBudget } from './runtime';
