"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { type UpdateFrontdoorInput, updateFrontdoorSchema } from "@/lib/validation/frontdoors";
import { fieldErrorMap } from "@/lib/validation/parse";
import { updateFrontdoorAction } from "../actions";

/**
 * A Frontdoor page form's save: checked first with the schema the action (and PATCH) uses,
 * then sent; field errors from either side come back under the same paths.
 */
export function useFrontdoorUpdate(frontdoorId: string) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [isPending, startTransition] = useTransition();

  function save(input: UpdateFrontdoorInput, saved: string, onSaved?: () => void) {
    const local = updateFrontdoorSchema.safeParse(input);
    if (!local.success) {
      setErrors(fieldErrorMap(local.error));
      return;
    }
    startTransition(async () => {
      const result = await updateFrontdoorAction(frontdoorId, input);
      if (result.ok) {
        setErrors({});
        onSaved?.();
        toast.success(saved);
      } else {
        setErrors(result.fieldErrors ?? {});
        toast.error(result.message);
      }
    });
  }

  return { errors, isPending, save };
}
