export declare const OFFLINE_ENV: Readonly<Record<string, string>>;
