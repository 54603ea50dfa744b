// The host's copies of everything Grafana shares with plugins, registered in SystemJS under the
// names Grafana uses (public/app/features/plugins/loader/sharedDependencies.ts). A plugin whose
// module.js asks for 'react' or '@grafana/data' gets exactly these instances.
import 'systemjs/dist/system.js';
import 'systemjs/dist/extras/amd.js';
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as e2eSelectors from '@grafana/e2e-selectors';
import * as grafanaI18n from '@grafana/i18n';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaSchema from '@grafana/schema';
import * as grafanaUI from '@grafana/ui';
import lodash from 'lodash';
import * as React from 'react';
import * as jsxRuntime from 'react/jsx-runtime';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

interface SystemJS {
  set(id: string, module: object): void;
  addImportMap(map: { imports: Record<string, string> }): void;
  import(id: string): Promise<Record<string, unknown>>;
  resolve(id: string, parent?: string): string;
}

export const System = (window as unknown as { System: SystemJS }).System;

export const SHARED_MODULES: Record<string, object> = {
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
  emotion: emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/e2e-selectors': e2eSelectors,
  '@grafana/i18n': grafanaI18n,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/schema': grafanaSchema,
  '@grafana/ui': grafanaUI,
  // Grafana hands lodash over as a default export (`__useDefault`), which the AMD extra unwraps
  lodash: { ...lodash, default: lodash, __useDefault: true },
  react: React,
  'react/jsx-runtime': jsxRuntime,
  'react-dom': ReactDOM,
  'react-dom/client': ReactDOMClient,
  rxjs,
  'rxjs/operators': rxjsOperators,
};

let registered = false;

export function registerSharedModules(): void {
  if (registered) return;
  registered = true;
  const imports: Record<string, string> = {};
  for (const [name, module] of Object.entries(SHARED_MODULES)) {
    System.set(`package:${name}`, module);
    imports[name] = `package:${name}`;
  }
  System.addImportMap({ imports });
}

/** Loads a plugin's module.js the way Grafana's loader does and returns its exports. */
export async function importPluginModule(path: string): Promise<Record<string, unknown>> {
  registerSharedModules();
  return System.import(path);
}
