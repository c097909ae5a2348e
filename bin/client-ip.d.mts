export declare function clientIp(forwardedFor: string | string[] | undefined, socketAddress: string | undefined, trustedHops: number): string;
export declare const FORWARDING_HEADERS: string[];
export declare function forwardingHeaderOf(headers: { has(name: string): boolean } | Record<string, unknown>): string | null;
export declare function isLoopback(ip: string | null | undefined): boolean;
