/**
 * Imported first by bench/run.ts (imports run in order): the functions' log and metric lines are
 * silenced before the logger is built, so the bench prints its table only.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
