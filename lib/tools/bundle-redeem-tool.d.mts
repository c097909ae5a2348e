export declare const REDEEM_TOOL_FILE: string;
export declare function bundleRedeemTool(): Promise<{ source: string; sha256: string }>;
export declare function writeRedeemTool(): Promise<{ source: string; sha256: string }>;
