/**
 * deploy/kubernetes/ says what the code does: every probe path answers on the listener its
 * named port leads to, the ports are the ones the configuration reads, every variable the
 * Deployment sets is one the configuration reads (the list comes from the config modules)
 * and together they make a configuration production accepts, the grace period outlasts
 * the preStop pause plus SHUTDOWN_TIMEOUT_MS, the example Secret holds placeholders only,
 * and the Services, Ingress, NetworkPolicy and PodDisruptionBudget select what they mean to.
 */
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config/index.js';
import { telemetryModel } from '../../src/config/telemetry.js';
import { COMPONENT_EVENTS_PATH } from '../../src/events/component-events-route.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const DIRECTORY = new URL('../../deploy/kubernetes/', import.meta.url);
const SECRET_EXAMPLE = 'secret.example.yaml';

// The manifests are data; these name only what the test reads.
interface Port {
  name: string;
  containerPort: number;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet: { path: string; port: string };
}
interface Container {
  ports: Port[];
  env: EnvVar[];
  startupProbe?: Probe;
  readinessProbe: Probe;
  livenessProbe: Probe;
  lifecycle: { preStop: { exec: { command: string[] } } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown> & { capabilities: { drop: string[] } };
}
type Manifest = { kind: string; metadata: { name: string }; spec: any; stringData?: Record<string, string> };

let files: Map<string, Manifest>;
const byKind = (kind: string) => [...files.values()].filter((manifest) => manifest.kind === kind);
const deployment = () => byKind('Deployment')[0]!;
const pod = () => deployment().spec.template;
const container = (): Container => pod().spec.containers[0];
const containerPort = (name: string) => container().ports.find((port) => port.name === name);
const secretExample = () => files.get(SECRET_EXAMPLE)!;
const podLabels = () => pod().metadata.labels as Record<string, string>;
const selects = (selector: Record<string, string>) => Object.entries(selector).every(([key, value]) => podLabels()[key] === value);

/** The Deployment's environment, with the example Secret's placeholders where it refers to the Secret. */
function deploymentEnvironment(): Record<string, string> {
  return Object.fromEntries(
    container().env.map((variable) => {
      const ref = variable.valueFrom?.secretKeyRef;
      return [variable.name, ref ? secretExample().stringData![ref.key]! : variable.value!];
    }),
  );
}

beforeAll(async () => {
  const names = (await readdir(DIRECTORY)).filter((name) => name.endsWith('.yaml'));
  files = new Map(await Promise.all(names.map(async (name) => [name, parse(await readFile(new URL(name, DIRECTORY), 'utf8')) as Manifest] as const)));
});

describe('kustomization.yaml', () => {
  it('lists every manifest but the example Secret, which must never be applied as it is', () => {
    const kustomization = files.get('kustomization.yaml') as unknown as { resources: string[] };
    const manifests = [...files.keys()].filter((name) => name !== 'kustomization.yaml' && name !== SECRET_EXAMPLE);
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
  });
});

describe('the Deployment', () => {
  it('runs two replicas, replacing them one at a time without going below two', () => {
    expect(deployment().spec.replicas).toBe(2);
    expect(deployment().spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    expect(selects(deployment().spec.selector.matchLabels)).toBe(true);
  });

  it('sets only variables the configuration reads, read from the config modules themselves', () => {
    const known = new Set([...CONFIG_VARIABLES, ...Object.keys(telemetryModel.shape)]);
    expect(container().env.map((variable) => variable.name).filter((name) => !known.has(name))).toEqual([]);
  });

  it('makes a configuration production accepts, listening on the ports it names', () => {
    const config = loadConfig(deploymentEnvironment());
    expect(config.nodeEnv).toBe('production');
    expect(containerPort('graphql')?.containerPort).toBe(config.port);
    expect(containerPort('events')?.containerPort).toBe(config.events?.port);
    expect(config.componentEvents).toBeDefined();
    expect(config.routerSecret).toBeDefined();
    expect(container().ports.map((port) => port.name).sort()).toEqual(['events', 'graphql']);
  });

  it('gives a stopping pod longer than the preStop pause plus SHUTDOWN_TIMEOUT_MS', () => {
    const { shutdownTimeoutMs } = loadConfig(deploymentEnvironment());
    const [command, seconds, ...rest] = container().lifecycle.preStop.exec.command;
    expect([command, rest]).toEqual(['sleep', []]);
    expect(Number(seconds)).toBeGreaterThan(0);
    expect(pod().spec.terminationGracePeriodSeconds).toBeGreaterThan(Number(seconds) + shutdownTimeoutMs / 1000);
  });

  it('probes readiness at /readyz and liveness at /healthz, on named ports', () => {
    expect(container().readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'graphql' });
    expect(container().livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'graphql' });
    for (const probe of [container().startupProbe, container().readinessProbe, container().livenessProbe]) {
      if (probe) expect(containerPort(probe.httpGet.port)).toBeDefined();
    }
  });

  it('runs locked down: not root, read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    expect(pod().spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number), seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod().spec.securityContext.runAsUser).not.toBe(0);
    expect(container().securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod().spec.automountServiceAccountToken).toBe(false);
  });

  it('asks for resources and is held to limits', () => {
    expect(Object.keys(container().resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(container().resources.limits).sort()).toEqual(['cpu', 'memory']);
  });

  it('reads every secret from the Secret the example describes, and nothing else from it', () => {
    const refs = container().env.flatMap((variable) => (variable.valueFrom?.secretKeyRef ? [variable.valueFrom.secretKeyRef] : []));
    expect(new Set(refs.map((ref) => ref.name))).toEqual(new Set([secretExample().metadata.name]));
    expect(refs.map((ref) => ref.key).sort()).toEqual(Object.keys(secretExample().stringData!).sort());
    for (const name of ['ROUTER_SECRET', 'REDIS_URL', 'WECHAT_COMPONENT_APPSECRET', 'WECHAT_COMPONENT_MESSAGE_TOKEN', 'WECHAT_COMPONENT_ENCODING_AES_KEY']) {
      const variable = container().env.find((candidate) => candidate.name === name);
      expect([name, variable?.value]).toEqual([name, undefined]);
      expect(variable?.valueFrom?.secretKeyRef).toBeDefined();
    }
  });
});

describe('the example Secret', () => {
  it('holds placeholders only', () => {
    for (const [key, value] of Object.entries(secretExample().stringData!)) {
      expect([key, /REPLACE|^wx0{16}$/.test(value)]).toEqual([key, true]);
    }
  });
});

describe('the probes against a running subgraph', () => {
  let stack: SubgraphStack;
  const keys = { WECHAT_COMPONENT_MESSAGE_TOKEN: 'probeToken7', WECHAT_COMPONENT_ENCODING_AES_KEY: randomBytes(32).toString('base64').slice(0, 43) };
  beforeAll(async () => {
    stack = await startSubgraphStack({ env: { EVENTS_PORT: '0', ...keys } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answer 200 on the listener each probe’s named port leads to', async () => {
    const listeners: Record<string, string> = { graphql: stack.subgraph.url, events: stack.subgraph.eventsUrl! };
    for (const probe of [container().startupProbe, container().readinessProbe, container().livenessProbe]) {
      if (!probe) continue;
      const response = await fetch(new URL(probe.httpGet.path, listeners[probe.httpGet.port]));
      expect([probe.httpGet.path, response.status]).toEqual([probe.httpGet.path, 200]);
    }
  });

  it('scrape /metrics where the pod’s annotations say', async () => {
    const { annotations } = pod().metadata as { annotations: Record<string, string> };
    expect(Number(annotations['prometheus.io/port'])).toBe(containerPort('graphql')?.containerPort);
    expect((await fetch(new URL(annotations['prometheus.io/path']!, stack.subgraph.url))).status).toBe(200);
  });
});

describe('the Services, the Ingress, the PodDisruptionBudget and the NetworkPolicy', () => {
  const service = (name: string) => byKind('Service').find((candidate) => candidate.metadata.name === name)!;

  it('keep GraphQL cluster-internal and give the events port a Service of its own', () => {
    const services = byKind('Service');
    expect(services).toHaveLength(2);
    for (const candidate of services) {
      expect(candidate.spec.type).toBe('ClusterIP');
      expect(selects(candidate.spec.selector)).toBe(true);
      expect(candidate.spec.ports).toHaveLength(1);
    }
    const targets = services.map((candidate) => candidate.spec.ports[0].targetPort).sort();
    expect(targets).toEqual(['events', 'graphql']);
  });

  it('expose the receiver’s path alone, on the events Service', () => {
    const [ingress, ...others] = byKind('Ingress');
    expect(others).toEqual([]);
    const paths = ingress!.spec.rules.flatMap((rule: any) => rule.http.paths);
    expect(paths).toEqual([{ path: COMPONENT_EVENTS_PATH, pathType: 'Exact', backend: { service: { name: expect.any(String), port: { name: 'events' } } } }]);
    const backend = service(paths[0].backend.service.name);
    expect(backend.spec.ports[0]).toMatchObject({ name: 'events', targetPort: 'events' });
    expect(ingress!.spec.tls).toHaveLength(1);
  });

  it('keep one replica up through a voluntary disruption', () => {
    const [budget] = byKind('PodDisruptionBudget');
    expect(selects(budget!.spec.selector.matchLabels)).toBe(true);
    expect(budget!.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(budget!.spec.minAvailable).toBeLessThan(deployment().spec.replicas);
  });

  it('let only the router and Prometheus reach the graphql port, and the ingress controller the events port', () => {
    const [policy] = byKind('NetworkPolicy');
    expect(selects(policy!.spec.podSelector.matchLabels)).toBe(true);
    expect(policy!.spec.policyTypes).toContain('Ingress');
    const allowed = policy!.spec.ingress.map((rule: any) => ({ from: rule.from.map((peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? peer.namespaceSelector.matchLabels['kubernetes.io/metadata.name']), ports: rule.ports.map((port: any) => port.port) }));
    expect(allowed).toEqual([
      { from: ['router'], ports: ['graphql'] },
      { from: ['prometheus'], ports: ['graphql'] },
      { from: ['ingress-nginx'], ports: ['events'] },
    ]);
    for (const rule of allowed) for (const port of rule.ports) expect(containerPort(port)).toBeDefined();
  });
});
