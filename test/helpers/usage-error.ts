/** The `UsageError` a command-line parse throws (fails the test when it throws nothing or something else). */
import { UsageError } from '@mini-atlas/cli-common/command-line';

export function usageError(parse: () => unknown): UsageError {
  try {
    parse();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a UsageError, but the command line parsed');
}
