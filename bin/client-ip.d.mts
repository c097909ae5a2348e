export declare function clientIp(forwardedFor: string | string[] | undefined, socketAddress: string | undefined, trustedHops: number): string;
