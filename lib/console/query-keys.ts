// React Query keys, from one place so invalidation matches what was cached.
export const queryKeys = {
  tokens: (frontdoorId: string, params?: Record<string, unknown>) => ["tokens", frontdoorId, ...(params ? [params] : [])] as const,
  certificates: (frontdoorId: string, params?: Record<string, unknown>) => ["certificates", frontdoorId, ...(params ? [params] : [])] as const,
};
