import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { cn } from "@/components/ui/cn";

const control =
  "block rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 shadow-sm " +
  "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500 " +
  "aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";

/** Full width unless the caller sets a width. */
const widthOr = (className?: string) => (className && /(^|\s)w-/.test(className) ? className : cn("w-full", className));

type FieldProps = { id: string; label: string; error?: string; hint?: ReactNode; children: ReactNode };

/** A label, the control, and its hint or error, wired with aria-describedby. */
export function Field({ id, label, error, hint, children }: FieldProps) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-600 dark:text-red-400" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** What every control shares: its id, invalid state wired to the Field's error, the house look. */
const controlProps = (id: string | undefined, error: string | undefined, className: string | undefined) => ({
  id,
  "aria-invalid": error ? true : undefined,
  "aria-describedby": error ? `${id}-error` : undefined,
  className: cn(control, widthOr(className)),
});

export function Input({ className, id, error, ...props }: InputHTMLAttributes<HTMLInputElement> & { error?: string }) {
  return <input {...controlProps(id, error, className)} {...props} />;
}

export function Select({ className, id, error, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { error?: string }) {
  return <select {...controlProps(id, error, className)} {...props} />;
}

export function Textarea({ className, id, error, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & { error?: string }) {
  return <textarea {...controlProps(id, error, className)} {...props} />;
}
