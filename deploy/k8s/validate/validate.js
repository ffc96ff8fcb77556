#!/usr/bin/env node
// Validates the manifests in deploy/k8s/ (or the folder given as the first argument):
// every object against the Kubernetes API schema of its kind (kubernetes-models), then the
// gateway's own rules that a schema cannot express: probes, shutdown timing, selectors and
// the cluster member list. Prints one line per object; exits 1 on any failure.
"use strict";

const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const MANAGEMENT_PORT = 8081;
const PROBES = {
  startupProbe: "/health/live",
  readinessProbe: "/health/ready",
  livenessProbe: "/health/live",
};
// The gateway's defaults (conf/gateway.json, README): used when a variable is not set.
const DEFAULT_DRAIN_DELAY_MS = 0;
const DEFAULT_GRACE_MS = 8000;
// A worker leaving the cluster waits at least this long before it stops taking work.
const WORKER_MIN_DRAIN_MS = 1000;
// /health/ready waits up to health.timeoutMs (2 s) per model: a shorter probe timeout
// would fail a slow but healthy pod.
const MIN_READINESS_TIMEOUT_SECONDS = 3;
// JVM start, cluster join and model loading.
const MIN_STARTUP_BUDGET_SECONDS = 60;
// Kubernetes' defaults for fields left out.
const K8S_DEFAULT_GRACE_SECONDS = 30;
const K8S_DEFAULT_PROBE = { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 1 };

const dir = path.resolve(process.argv[2] || path.join(__dirname, ".."));
const failures = [];
let checked = 0;

function fail(where, message) {
  failures.push(`${where}: ${message}`);
  console.log(`FAIL ${where}: ${message}`);
}

// "apps/v1" + "Deployment" -> the class from kubernetes-models/apps/v1, or an error message.
function modelClass(apiVersion, kind) {
  if (typeof apiVersion !== "string" || !/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) {
    return { error: `apiVersion ${JSON.stringify(apiVersion)} is not a Kubernetes API version` };
  }
  if (typeof kind !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    return { error: `kind ${JSON.stringify(kind)} is not a Kubernetes kind` };
  }
  let group;
  try {
    group = require(`kubernetes-models/${apiVersion}`);
  } catch (e) {
    return { error: `unknown apiVersion ${apiVersion}: kubernetes-models has no such API group/version` };
  }
  const cls = group[kind];
  if (typeof cls !== "function" || cls.kind !== kind) {
    return { error: `unknown kind ${kind} in ${apiVersion}: kubernetes-models has no such kind` };
  }
  return { cls };
}

function readObjects() {
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) {
    fail(dir, "no *.yaml files");
  }
  const objects = [];
  for (const file of files) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"));
    docs.forEach((doc, i) => {
      const where = `${file}#${i + 1}`;
      if (doc.errors.length > 0) {
        fail(where, `YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
        return;
      }
      const obj = doc.toJS();
      if (obj === null || obj === undefined) {
        return; // an empty document, e.g. after a trailing ---
      }
      if (typeof obj !== "object" || Array.isArray(obj)) {
        fail(where, "a document must be a Kubernetes object (a mapping)");
        return;
      }
      objects.push({ where, obj });
    });
  }
  return objects;
}

function schemaCheck({ where, obj }) {
  checked++;
  const label = `${where} ${obj.apiVersion} ${obj.kind} ${obj.metadata && obj.metadata.name}`;
  const { cls, error } = modelClass(obj.apiVersion, obj.kind);
  if (error) {
    fail(label, error);
    return false;
  }
  try {
    new cls(obj).validate();
  } catch (e) {
    fail(label, `schema: ${e.message}`);
    return false;
  }
  // The schema leaves these to the API server.
  const meta = obj.metadata || {};
  if (!meta.name) {
    fail(label, "metadata.name is required");
    return false;
  }
  if (meta.namespace !== undefined) {
    fail(label, "metadata.namespace is set: the manifests are namespace-less (kubectl apply -n NAMESPACE)");
    return false;
  }
  console.log(`ok   ${label}`);
  return true;
}

// --- the gateway's own rules -----------------------------------------------------------------

const labelsMatch = (selector, labels) =>
  Object.keys(selector || {}).length > 0 &&
  Object.entries(selector).every(([k, v]) => (labels || {})[k] === v);

const podLabels = (d) => (d.spec.template.metadata || {}).labels || {};
const podSpec = (d) => d.spec.template.spec || {};
const containersOf = (d) => podSpec(d).containers || [];
const nameOf = (o) => `${o.kind} ${(o.metadata || {}).name}`;

function envValue(container, name) {
  const entry = (container.env || []).find((e) => e.name === name);
  if (!entry) return undefined;
  if (entry.valueFrom) return { valueFrom: entry.valueFrom };
  return { value: entry.value };
}

// A probe or Service port, by number or by containerPort name.
function resolvePort(port, containers) {
  if (typeof port === "number") return port;
  for (const c of containers) {
    const p = (c.ports || []).find((p) => p.name === port);
    if (p) return p.containerPort;
  }
  return undefined;
}

function numberEnv(where, container, name, fallback) {
  const v = envValue(container, name);
  if (v === undefined) return fallback;
  if (v.valueFrom) {
    fail(where, `${name} must be a literal value so that the shutdown timing can be checked`);
    return fallback;
  }
  if (!/^[0-9]+$/.test(String(v.value))) {
    fail(where, `${name} must be a whole number of milliseconds, not ${JSON.stringify(v.value)}`);
    return fallback;
  }
  return Number(v.value);
}

function checkDeployment(d) {
  const where = nameOf(d);
  const spec = podSpec(d);
  if (containersOf(d).length === 0) fail(where, "the pod template has no containers");
  if (!labelsMatch(d.spec.selector.matchLabels, podLabels(d))) {
    fail(where, "spec.selector.matchLabels does not match the pod template's labels");
  }
  for (const c of containersOf(d)) {
    const cw = `${where} container ${c.name}`;
    for (const [probeName, wantPath] of Object.entries(PROBES)) {
      const probe = c[probeName];
      if (!probe) {
        fail(cw, `no ${probeName} (want GET ${wantPath} on port ${MANAGEMENT_PORT})`);
        continue;
      }
      const get = probe.httpGet;
      const port = get && resolvePort(get.port, [c]);
      if (!get || get.path !== wantPath || port !== MANAGEMENT_PORT) {
        const got = get ? `GET ${get.path} on port ${get.port}` : "not an httpGet probe";
        fail(cw, `${probeName} must be GET ${wantPath} on port ${MANAGEMENT_PORT}, is ${got}`);
      }
    }
    const readiness = c.readinessProbe;
    if (readiness) {
      const timeout = readiness.timeoutSeconds || K8S_DEFAULT_PROBE.timeoutSeconds;
      if (timeout < MIN_READINESS_TIMEOUT_SECONDS) {
        fail(cw, `readinessProbe.timeoutSeconds ${timeout} < ${MIN_READINESS_TIMEOUT_SECONDS}: ` +
          "a model's health check may take its 2 s timeout");
      }
    }
    const startup = c.startupProbe;
    if (startup) {
      const budget = (startup.periodSeconds || K8S_DEFAULT_PROBE.periodSeconds) *
        (startup.failureThreshold || K8S_DEFAULT_PROBE.failureThreshold);
      if (budget < MIN_STARTUP_BUDGET_SECONDS) {
        fail(cw, `startupProbe allows ${budget} s (periodSeconds x failureThreshold), ` +
          `want at least ${MIN_STARTUP_BUDGET_SECONDS} s to start, join and load models`);
      }
    }

    const role = envValue(c, "GATEWAY_CLUSTER_ROLE");
    const roleName = role && role.value;
    const drainSet = numberEnv(cw, c, "GATEWAY_SHUTDOWN_DRAIN_DELAY_MS", DEFAULT_DRAIN_DELAY_MS);
    const drain = roleName === "worker" ? Math.max(drainSet, WORKER_MIN_DRAIN_MS) : drainSet;
    const grace = numberEnv(cw, c, "GATEWAY_SHUTDOWN_GRACE_MS", DEFAULT_GRACE_MS);
    const period = spec.terminationGracePeriodSeconds ?? K8S_DEFAULT_GRACE_SECONDS;
    let preStop = 0;
    const sleep = c.lifecycle && c.lifecycle.preStop && c.lifecycle.preStop.sleep;
    if (sleep) preStop = sleep.seconds;
    else if (c.lifecycle && c.lifecycle.preStop) {
      fail(cw, "a preStop hook other than sleep: its length cannot be checked against the grace period");
    }
    const needed = preStop + (drain + grace) / 1000;
    if (!(period > needed)) {
      fail(cw, `terminationGracePeriodSeconds ${period} must exceed ` +
        `${preStop ? `preStop ${preStop} s + ` : ""}drain ${drain / 1000} s + grace ${grace / 1000} s = ${needed} s`);
    }
  }
}

function checkCluster(deployments, services) {
  const headless = services.filter((s) => s.spec.clusterIP === "None");
  if (headless.length !== 1) {
    fail("cluster", `want exactly one headless Service (clusterIP: None), found ${headless.length}`);
    return;
  }
  const h = headless[0];
  const hw = nameOf(h);
  if (h.spec.publishNotReadyAddresses !== true) {
    fail(hw, "publishNotReadyAddresses must be true: nodes join the cluster before they are ready");
  }
  const hzPort = (h.spec.ports || []).find((p) => p.name === "hazelcast");
  if (!hzPort) fail(hw, "no port named hazelcast");
  for (const d of deployments) {
    if (!labelsMatch(h.spec.selector, podLabels(d))) {
      fail(hw, `selector ${JSON.stringify(h.spec.selector)} does not select the pods of ${nameOf(d)}`);
    }
    for (const c of containersOf(d)) {
      const cw = `${nameOf(d)} container ${c.name}`;
      const role = envValue(c, "GATEWAY_CLUSTER_ROLE");
      if (!role || !["gateway", "worker"].includes(role.value)) {
        fail(cw, "GATEWAY_CLUSTER_ROLE must be gateway or worker");
      }
      const members = envValue(c, "GATEWAY_CLUSTER_MEMBERS");
      let list;
      try {
        list = members && members.value !== undefined ? JSON.parse(members.value) : undefined;
      } catch (e) {
        fail(cw, `GATEWAY_CLUSTER_MEMBERS is not JSON: ${e.message}`);
        continue;
      }
      const name = h.metadata.name;
      const isMember = (m) => typeof m === "string" &&
        (m === name || m.startsWith(`${name}.`) || m.startsWith(`${name}:`));
      if (!Array.isArray(list) || list.length === 0 || !list.every(isMember)) {
        fail(cw, `GATEWAY_CLUSTER_MEMBERS must be a JSON array of the headless Service's name ` +
          `(${name}, ${name}.<namespace>.svc..., optionally :port), is ${JSON.stringify(members && members.value)}`);
      }
      const host = envValue(c, "GATEWAY_CLUSTER_HOST");
      const ref = host && host.valueFrom && host.valueFrom.fieldRef;
      if (!ref || ref.fieldPath !== "status.podIP") {
        fail(cw, "GATEWAY_CLUSTER_HOST must come from the downward API (fieldRef status.podIP)");
      }
      for (const [variable, portName, fallback] of [
        ["GATEWAY_CLUSTER_PORT", "hazelcast", "5701"],
        ["GATEWAY_CLUSTER_BUS_PORT", "eventbus", undefined],
      ]) {
        const v = envValue(c, variable);
        const value = v ? v.value : fallback;
        const declared = (c.ports || []).find((p) => p.name === portName);
        if (value === undefined || !declared || String(declared.containerPort) !== String(value)) {
          fail(cw, `${variable} (${value}) must be set and declared as containerPort named ${portName}`);
        }
      }
    }
  }
}

function checkServices(deployments, services) {
  for (const s of services) {
    const sw = nameOf(s);
    const selected = deployments.filter((d) => labelsMatch(s.spec.selector, podLabels(d)));
    if (selected.length === 0) {
      fail(sw, `selector ${JSON.stringify(s.spec.selector)} matches no Deployment's pod labels`);
      continue;
    }
    for (const p of s.spec.ports || []) {
      const target = p.targetPort === undefined ? p.port : p.targetPort;
      for (const d of selected) {
        const ports = containersOf(d).flatMap((c) => c.ports || []);
        const found = typeof target === "number"
          ? ports.some((cp) => cp.containerPort === target)
          : ports.some((cp) => cp.name === target);
        if (!found) {
          fail(sw, `port ${p.name || p.port}: targetPort ${target} is no containerPort of ${nameOf(d)}`);
        }
      }
    }
  }
}

function main() {
  console.log(`Validating ${dir}`);
  const valid = readObjects().filter(schemaCheck).map((o) => o.obj);
  const deployments = valid.filter((o) => o.apiVersion === "apps/v1" && o.kind === "Deployment");
  const services = valid.filter((o) => o.apiVersion === "v1" && o.kind === "Service");
  services.filter((s) => !s.spec).forEach((s) => fail(nameOf(s), "no spec"));
  const withSpec = services.filter((s) => s.spec);
  const before = failures.length;
  const skipped = before > 0 ? "; objects that failed above are left out" : "";
  deployments.forEach(checkDeployment);
  if (deployments.length === 0) fail(dir, "no Deployment");
  checkCluster(deployments, withSpec);
  checkServices(deployments, withSpec);
  if (failures.length === before) {
    console.log(`ok   rules: probes, shutdown timing, selectors, cluster members (` +
      `${deployments.length} Deployment(s), ${services.length} Service(s)${skipped})`);
  }
  if (failures.length > 0) {
    console.log(`${failures.length} failure(s) in ${checked} object(s)`);
    process.exit(1);
  }
  console.log(`All ${checked} object(s) valid`);
}

main();
