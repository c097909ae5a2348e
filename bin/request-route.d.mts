/** The route template of a request path (path and query), for logs and metric labels. */
export function routeOf(url: string): string;
