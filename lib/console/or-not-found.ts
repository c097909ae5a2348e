import "server-only";
import { notFound } from "next/navigation";
import { isAppError } from "@/lib/domain/errors";

/** For detail pages: a domain "not found" (or a row the caller may not see) becomes the 404 page. */
export async function orNotFound<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (error) {
    if (isAppError(error)) notFound();
    throw error;
  }
}
