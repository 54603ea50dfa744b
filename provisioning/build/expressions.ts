// Grafana server-side expressions (the `__expr__` data source) as steps of an alert rule's data,
// the shape Grafana's alerting provisioning files carry (its file export writes the same).

/** A step `refId` computed by Grafana from earlier steps: `model` is the expression (type, expression, …). */
export function expressionStep(refId: string, model: Record<string, unknown>) {
  return {
    refId,
    relativeTimeRange: { from: 0, to: 0 },
    datasourceUid: '__expr__',
    model: { refId, ...model, datasource: { type: '__expr__', uid: '__expr__' } },
  };
}

/** Step C, the rule's condition: `input` compared with `threshold` (Grafana's evaluator types: gt, lt, …). */
export function thresholdStep(input: string, evaluator: string, threshold: number) {
  return expressionStep('C', { type: 'threshold', expression: input, conditions: [{ evaluator: { type: evaluator, params: [threshold] } }] });
}
