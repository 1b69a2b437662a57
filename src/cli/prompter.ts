import { createInterface } from 'node:readline';

/** Asks questions on a terminal (or reads answers piped in, a line each). */
export interface Prompter {
  /** The answer, trimmed; `''` once the input has ended. */
  ask(question: string): Promise<string>;
  close(): void;
}

/**
 * A prompter over standard input, writing questions to standard error so standard output stays for
 * results. Piped answers are read a line per question; past the end of input every answer is empty
 * (the default).
 */
export function createPrompter(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Prompter {
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  let ended = false;
  return {
    async ask(question) {
      output.write(question);
      const next = ended ? undefined : await lines.next();
      if (next === undefined || next.done) {
        ended = true;
        output.write('\n');
        return '';
      }
      if (!(input as { isTTY?: boolean }).isTTY) output.write(`${next.value}\n`);
      return String(next.value).trim();
    },
    close() {
      rl.close();
    },
  };
}
