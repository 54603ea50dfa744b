// What every rule group of the validator shares: findings, the archive's files, options.
export type Severity = 'error' | 'warning' | 'recommendation';

export interface Finding {
  analyzer: string;
  rule: string;
  severity: Severity;
  message: string;
}

/** Archive entries by path (`<root>/plugin.json`), directories left out. */
export type ArchiveFiles = Map<string, Uint8Array>;

export interface ValidateOptions {
  /** the zip's file name, checked against `<id>-<version>.zip` */
  zipName?: string;
  /** package.json `version` of the source (the validator's packagejson analyzer) */
  packageVersion?: string;
  /** unix mode of each archive entry (readZipModes): turns on the binarypermissions check */
  modes?: Map<string, number>;
  /** the src/ folder a plugin id was built from: turns on jssourcemap's js-map-no-match check */
  sourceDirOf?: (id: string) => string | undefined;
}

/** Records one finding: the validator's analyzer, rule, severity and message. */
export type Report = (analyzer: string, rule: string, severity: Severity, message: string) => void;

export const text = (data: Uint8Array | undefined): string => (data ? Buffer.from(data).toString('utf8') : '');

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** nodescope: the build replaces these in plugin.json and README.md */
export const BUILD_VARIABLES = /%(VERSION|TODAY|PLUGIN_ID)%/;
