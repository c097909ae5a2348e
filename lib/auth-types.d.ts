import "next-auth";

// The session carries the id of its server-side session row (lib/domain/access/sessions.ts).
declare module "next-auth" {
  interface Session {
    sessionId?: string;
  }
}
