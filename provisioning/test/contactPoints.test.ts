// The contact-point writer as a user runs it (its command line), and the docker compose stack
// handing Grafana every variable the written files can name.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALERT_VARIABLES } from '../build/contactPoints.ts';
import { PROVISIONING, REPO } from './paths.ts';

const script = join(PROVISIONING, 'build/contactPoints.ts');
const run = (args: string[], env: Record<string, string>) =>
  execFileSync(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });

describe('provisioning/build/contactPoints.ts', () => {
  it('writes the files for the variables set, and removes them again when none is', () => {
    const out = mkdtempSync(join(tmpdir(), 'nodescope-alerting-'));
    const said = run(['--out', out], { ALERT_EMAIL_TO: 'ops@example.com', ALERT_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X' });
    expect(said).toMatch(/^wrote contact-points\.yaml and notification-policies\.yaml to .*: nodescope-slack, nodescope-email$/m);
    expect(said).toMatch(/^left out \(variables not set\): nodescope-telegram \(ALERT_TELEGRAM_BOT_TOKEN, ALERT_TELEGRAM_CHAT_ID\)/m);
    const points = parse(readFileSync(join(out, 'contact-points.yaml'), 'utf8')) as { contactPoints: Array<{ name: string; receivers: Array<{ settings: Record<string, unknown> }> }> };
    expect(points.contactPoints.map((c) => c.name)).toEqual(['nodescope-slack', 'nodescope-email']);
    // the secret stays in Grafana's environment: the file names the variable
    expect(points.contactPoints[0]!.receivers[0]!.settings.url).toBe('${ALERT_SLACK_WEBHOOK_URL}');
    expect(readFileSync(join(out, 'contact-points.yaml'), 'utf8')).not.toContain('hooks.slack.com');

    writeFileSync(join(out, 'nodescope-rules.yaml'), 'apiVersion: 1\n');
    expect(run(['--out', out], {})).toMatch(/^no ALERT_\* variable set: no contact point written/);
    expect(existsSync(join(out, 'contact-points.yaml'))).toBe(false);
    expect(existsSync(join(out, 'notification-policies.yaml'))).toBe(false);
    // files it does not write are left alone
    expect(existsSync(join(out, 'nodescope-rules.yaml'))).toBe(true);
  });

  it('--no-policies leaves an org its own policy tree', () => {
    const out = mkdtempSync(join(tmpdir(), 'nodescope-alerting-'));
    run(['--out', out, '--no-policies'], { ALERT_WEBHOOK_URL: 'https://alerts.example.com/x' });
    expect(existsSync(join(out, 'contact-points.yaml'))).toBe(true);
    expect(existsSync(join(out, 'notification-policies.yaml'))).toBe(false);
  });

  it('docker compose passes every ALERT_* variable to Grafana, empty when unset (an unset one is left out)', () => {
    const compose = parse(readFileSync(join(REPO, 'docker-compose.yml'), 'utf8')) as { services: { grafana: { environment: Record<string, string> } } };
    for (const name of ALERT_VARIABLES) expect(compose.services.grafana.environment[name], name).toBe(`\${${name}:-}`);
    const example = readFileSync(join(REPO, '.env.example'), 'utf8');
    for (const name of ALERT_VARIABLES) expect(example, name).toMatch(new RegExp(`^${name}=$`, 'm'));
  });
});
