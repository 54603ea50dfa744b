// @grafana/ui imports monaco-editor for its code editor (7.5 MB plus a font loader); no harness
// scenario renders a code editor, so the host gets an empty module instead.
export const editor = {};
export const languages = {};
export const Uri = { parse: (value: string) => ({ toString: () => value }) };
export default {};
