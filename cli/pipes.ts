/**
 * `openai-invites … | head -1`: when the reader of stdout (or stderr) goes away, the CLI stops
 * quietly with 0, as `cat` does under `head`, instead of an EPIPE stack trace.
 */
export const quietOnClosedPipe = (): void => {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
};
