/*
 * deploy/k8s: every manifest parses (multi-document YAML) and the references between them hold:
 * Service selectors and ports, ConfigMaps/Secrets and their keys, volumes and mounts, probes on
 * /health at a declared port, scale targets, consumer groups, and the configuration content
 * itself (parsed with the services' own loaders).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { parsePolicies } from '@cx/sla';
import { parseRoutingConfigFile } from '@cx/routing';
import { ConnectorDirectory } from '../apps/ingest-gateway/src/connectors-config';
import { ROOT } from './ops-metrics-catalog';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Doc = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string>; file: string };

const DIR = join(ROOT, 'deploy', 'k8s');
/** The Kafka consumers: each scales on its own consumer group's lag. */
const APPS = ['emotion-detector', 'sla-monitor', 'router'];
/** Every Deployment: the consumers and the ingestion gateway (HTTP in, Kafka out; scales on CPU). */
const DEPLOYMENTS = [...APPS, 'ingest-gateway'];
/** Resident memory measured after start-up and a few events (test/ops-prometheus.int-spec.ts: 180-203 MiB per service over several runs). */
const MEASURED_RSS_MIB = 203;
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const docs: Doc[] = files.filter((f) => f !== 'kustomization.yaml').flatMap((file) => parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
  if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
  return d.toJS() ? { ...d.toJS(), file } : undefined;
}).filter((d): d is Doc => d !== undefined));
const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
const applied = docs.filter((d) => kustomization.resources.includes(d.file));
const of = (kind: string, set = docs) => set.filter((d) => d.kind === kind);
const byName = (kind: string, name: string) => of(kind).find((d) => d.metadata.name === name);
const deployments = of('Deployment');
const container = (d: Doc) => d.spec.template.spec.containers[0];
function mib(q: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`memory quantity ${q}: use Mi or Gi`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}
const envOf = (d: Doc) => Object.fromEntries((container(d).env ?? []).map((e: any) => [e.name, e.value]));
const cxEnv = byName('ConfigMap', 'cx-env')!.data!;

function keysOf(kind: 'ConfigMap' | 'Secret', name: string): string[] {
  const d = byName(kind, name);
  if (!d) throw new Error(`${kind} ${name} is referenced but not defined in deploy/k8s`);
  return Object.keys({ ...d.data, ...d.stringData });
}

describe('deploy/k8s manifests', () => {
  it('parse, name themselves, and are all listed in kustomization.yaml (hpa-cpu.yaml as the non-KEDA alternative)', () => {
    for (const d of docs) expect([d.file, d.apiVersion, d.kind, d.metadata?.name].every(Boolean)).toBe(true);
    expect(kustomization.resources.filter((r) => !files.includes(r))).toEqual([]);
    expect(files.filter((f) => f !== 'kustomization.yaml' && f !== 'hpa-cpu.yaml' && !kustomization.resources.includes(f))).toEqual([]);
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...DEPLOYMENTS].sort());
  });

  it.each(DEPLOYMENTS)('%s: a Service selects its pods and targets a declared port', (app) => {
    const d = byName('Deployment', app)!;
    const podLabels = d.spec.template.metadata.labels;
    expect(podLabels).toMatchObject(d.spec.selector.matchLabels);
    const svc = byName('Service', app);
    expect(svc).toBeDefined();
    expect(podLabels).toMatchObject(svc!.spec.selector);
    const ports = container(d).ports as { name: string; containerPort: number }[];
    for (const p of svc!.spec.ports) expect(ports.some((c) => c.name === p.targetPort || c.containerPort === p.targetPort)).toBe(true);
  });

  it('every Service selects some Deployment', () => {
    for (const s of of('Service')) {
      expect(deployments.some((d) => Object.entries(s.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v))).toBe(true);
    }
  });

  it.each(DEPLOYMENTS)('%s: probes on /health at the container port, which the service listens on and Prometheus scrapes', (app) => {
    const d = byName('Deployment', app)!;
    const c = container(d);
    const port = c.ports[0];
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(c[probe]?.httpGet?.path).toBe('/health');
      expect([port.name, port.containerPort]).toContain(c[probe].httpGet.port);
    }
    const portVar = { 'emotion-detector': 'EMOTION_PORT', 'sla-monitor': 'SLA_PORT', router: 'ROUTER_PORT', 'ingest-gateway': 'GATEWAY_PORT' }[app]!;
    expect(Number(envOf(d)[portVar])).toBe(port.containerPort);
    expect(envOf(d).APP).toBe(app);
    expect(Number(d.spec.template.metadata.annotations['prometheus.io/port'])).toBe(port.containerPort);
  });

  it.each(DEPLOYMENTS)('%s: resource requests cover the measured RSS, limits leave headroom', (app) => {
    const r = container(byName('Deployment', app)!).resources;
    expect(mib(r.requests.memory)).toBeGreaterThanOrEqual(MEASURED_RSS_MIB);
    expect(mib(r.limits.memory)).toBeGreaterThanOrEqual(2 * MEASURED_RSS_MIB);
    expect(r.requests.cpu).toBeDefined(); // CPU utilization scaling is relative to the request
  });

  it.each(DEPLOYMENTS)('%s: every ConfigMap, Secret and key it references exists; mounts match volumes; *_FILE paths are mounted', (app) => {
    const d = byName('Deployment', app)!;
    const c = container(d);
    const volumes = d.spec.template.spec.volumes as any[];
    for (const e of c.env ?? []) {
      const cm = e.valueFrom?.configMapKeyRef;
      const sec = e.valueFrom?.secretKeyRef;
      if (cm) expect(keysOf('ConfigMap', cm.name)).toContain(cm.key);
      if (sec) expect(keysOf('Secret', sec.name)).toContain(sec.key);
    }
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) keysOf('ConfigMap', e.configMapRef.name);
      if (e.secretRef) keysOf('Secret', e.secretRef.name);
    }
    for (const v of volumes) {
      const src = v.configMap ? keysOf('ConfigMap', v.configMap.name) : v.secret ? keysOf('Secret', v.secret.secretName) : undefined;
      for (const item of (v.configMap ?? v.secret)?.items ?? []) expect(src).toContain(item.key);
    }
    const mounts = c.volumeMounts as { name: string; mountPath: string }[];
    expect(mounts.filter((m) => !volumes.some((v) => v.name === m.name))).toEqual([]);
    for (const [k, v] of Object.entries(envOf(d))) {
      if (k.endsWith('_FILE')) expect(mounts.some((m) => String(v).startsWith(`${m.mountPath}/`))).toBe(true);
    }
  });

  it('scale targets exist; each consumer group scales on its own lag; no workload has two autoscalers', () => {
    const scaled = of('ScaledObject');
    const hpas = of('HorizontalPodAutoscaler');
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual([...APPS].sort());
    expect(hpas.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual([...DEPLOYMENTS].sort());
    // The gateway has no consumer group: its CPU autoscaler is applied with it, KEDA or not.
    expect(of('HorizontalPodAutoscaler', applied).map((h) => h.spec.scaleTargetRef.name)).toEqual(['ingest-gateway']);
    for (const s of [...scaled, ...hpas]) expect(byName(s.spec.scaleTargetRef.kind, s.spec.scaleTargetRef.name)).toBeDefined();
    const targets = [...of('ScaledObject', applied), ...of('HorizontalPodAutoscaler', applied)].map((s) => s.spec.scaleTargetRef.name);
    expect(new Set(targets).size).toBe(targets.length);

    const partitions = Number(cxEnv.TOPIC_PARTITIONS);
    for (const s of scaled) {
      const d = byName('Deployment', s.spec.scaleTargetRef.name)!;
      const group = Object.entries(envOf(d)).find(([k]) => k.endsWith('_GROUP_ID'))![1];
      const kafka = s.spec.triggers.filter((t: any) => t.type === 'kafka');
      expect(kafka.length).toBeGreaterThan(0);
      for (const t of kafka) {
        expect(t.metadata.consumerGroup).toBe(group);
        expect(t.metadata.bootstrapServers).toBe(cxEnv.KAFKA_BROKERS);
      }
      expect(s.spec.triggers.some((t: any) => t.type === 'cpu')).toBe(true);
      expect(s.spec.maxReplicaCount).toBeLessThanOrEqual(partitions);
    }
  });

  it('the configuration in the ConfigMaps and Secrets is valid for the services that read it', () => {
    const policies = parsePolicies(byName('ConfigMap', 'cx-sla-policies')!.data!['policies.yaml'], 'cx-sla-policies');
    expect(policies).toBeDefined();
    const routing = parseRoutingConfigFile(parse(byName('ConfigMap', 'cx-router-config')!.data!['routing.yaml']));
    expect(Object.keys(routing.tenants)).toContain('acme');
    const keys = JSON.parse(byName('Secret', 'cx-router-api-keys')!.stringData!['api-keys.json']) as Record<string, { role: string }>;
    expect(Object.values(keys).every((k) => ['agent', 'supervisor', 'admin'].includes(k.role))).toBe(true);
    expect(cxEnv.KAFKA_BROKERS.split(',').every((b) => /^[a-z0-9.-]+:\d+$/.test(b))).toBe(true);
    const connectors = ConnectorDirectory.parse(byName('Secret', 'cx-gateway-connectors')!.stringData!['connectors.yaml'], 'cx-gateway-connectors');
    expect(connectors.config('acme', 'twilio')?.publicUrl).toBe('https://cx.example.com');
  });
});
