/** The CLI's exit codes, one meaning each (`openai-invites --help`, README "The CLI"). */
export const EXIT = {
  /** Done: sent and accepted, the job completed with nothing failed, the listing or redrive done. */
  ok: 0,
  /** Something failed or was refused: rejected lines, failed invites, a refused token, a message not moved. */
  failed: 1,
  /** Usage: an unknown option, a missing argument or setting, a file that cannot be read. */
  usage: 2,
  /** Not found or unreachable: no such job or queue, the gateway or SQS cannot be reached. */
  unreachable: 3,
  /** `job` without `--watch`: the job is still in progress, nothing failed so far. */
  inProgress: 4,
} as const;

export const EXIT_CODES_HELP = `Exit codes: 0 done (a job completed with nothing failed), 1 failed or refused (rejected lines,
failed invites, a refused token), 2 usage, 3 not found or unreachable (no such job or queue, no
gateway or SQS), 4 job still in progress (job without --watch).`;
