/** The app's jsonData: it has no settings of its own yet (the datasource holds the proxy URL and key). */
export type AppSettings = Record<string, never>;
