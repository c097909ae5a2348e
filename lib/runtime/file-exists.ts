import { stat } from "node:fs/promises";

/** Whether a file or folder exists (any stat error counts as no). */
export function fileExists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
