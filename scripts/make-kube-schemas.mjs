#!/usr/bin/env node
/**
 * Makes the JSON schemas that kubeconform validates the chart's manifests against, offline,
 * from the real sources on the Go module proxy: the Kubernetes OpenAPI specification in the
 * k8s.io/kubernetes module and the Knative Serving CRDs in the knative.dev/serving module.
 * The OpenFaaS Function schema is written by hand (see openfaasFunctionSchema).
 * Writes one strict standalone schema per kind, named as kubeconform's
 * `{{ .ResourceKind }}{{ .KindSuffix }}.json` template expects, and prints the folder.
 *
 * Usage: node scripts/make-kube-schemas.mjs
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

const KUBERNETES = 'k8s.io/kubernetes@v1.35.4';
const KNATIVE_SERVING = 'knative.dev/serving@v0.51.0';

const cache = process.env.WORDCOUNT_TOOLS_DIR ?? join(homedir(), '.cache', 'wordcount-tools');
const output = join(
  cache,
  `schemas-${KUBERNETES.split('@')[1]}-knative-${KNATIVE_SERVING.split('@')[1]}-openfaas-v1`,
);

if (!existsSync(join(output, 'function-openfaas-v1.json'))) {
  const partial = `${output}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeKubernetesSchemas(moduleDir(KUBERNETES), partial);
  writeKnativeSchemas(moduleDir(KNATIVE_SERVING), partial);
  writeFileSync(
    join(partial, 'function-openfaas-v1.json'),
    JSON.stringify(openfaasFunctionSchema()),
  );
  rmSync(output, { recursive: true, force: true });
  renameSync(partial, output);
}
process.stdout.write(`${output}\n`);

/** Downloads a module through the Go module proxy (cached by Go) and returns its folder. */
function moduleDir(module) {
  process.stderr.write(`make-kube-schemas: go mod download ${module}\n`);
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', module], { encoding: 'utf8', cwd: cache }),
  );
  if (info.Error) throw new Error(`go mod download ${module} failed: ${info.Error}`);
  return info.Dir;
}

/** Returns the kubeconform file name: lowercase kind, then -group (its first label) and -version. */
function schemaName(kind, group, version) {
  const groupLabel = group === '' ? '' : `-${group.split('.')[0].toLowerCase()}`;
  return `${kind.toLowerCase()}${groupLabel}-${version.toLowerCase()}.json`;
}

function writeKubernetesSchemas(dir, out) {
  const spec = JSON.parse(readFileSync(join(dir, 'api', 'openapi-spec', 'swagger.json'), 'utf8'));
  const definitions = spec.definitions;
  for (const [name, definition] of Object.entries(definitions)) {
    for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) {
      const schema = inline(definition, definitions, new Set([name]));
      schema.$schema = 'http://json-schema.org/draft-07/schema#';
      writeFileSync(
        join(out, schemaName(gvk.kind, gvk.group, gvk.version)),
        JSON.stringify(schema),
      );
    }
  }
}

/** Resolves every $ref into the schema, so that each file is complete on its own, and makes objects strict. */
function inline(schema, definitions, seen) {
  if (Array.isArray(schema)) return schema.map((item) => inline(item, definitions, seen));
  if (schema === null || typeof schema !== 'object') return schema;

  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/definitions/', '');
    if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString')
      return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
    if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity')
      return { oneOf: [{ type: 'string' }, { type: 'number' }] };
    // A recursive definition (JSONSchemaProps) stays open below its first level.
    if (seen.has(name)) return {};
    return inline(definitions[name], definitions, new Set([...seen, name]));
  }

  const result = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'x-kubernetes-group-version-kind' || key === 'description') continue;
    result[key] =
      key === 'properties'
        ? mapValues(value, (property) => inline(property, definitions, seen))
        : inline(value, definitions, seen);
  }
  if (result.format === 'int-or-string')
    return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  if (result.properties !== undefined && result.additionalProperties === undefined)
    result.additionalProperties = false;
  // Lists and maps may be null in manifests, as the API server accepts.
  if (result.type === 'array' || (result.type === 'object' && result.properties === undefined))
    result.type = [result.type, 'null'];
  return result;
}

function mapValues(object, map) {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value)]));
}

function writeKnativeSchemas(dir, out) {
  const folder = join(dir, 'config', 'core', '300-resources');
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.yaml'))) {
    for (const document of parseAllDocuments(readFileSync(join(folder, file), 'utf8'))) {
      const crd = document.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const schema = strictCrd(version.schema.openAPIV3Schema);
        schema.properties ??= {};
        schema.properties.apiVersion = {
          type: 'string',
          enum: [`${crd.spec.group}/${version.name}`],
        };
        schema.properties.kind = { type: 'string', enum: [crd.spec.names.kind] };
        schema.properties.metadata = { type: 'object' };
        schema.$schema = 'http://json-schema.org/draft-07/schema#';
        writeFileSync(
          join(out, schemaName(crd.spec.names.kind, crd.spec.group, version.name)),
          JSON.stringify(schema),
        );
      }
    }
  }
}

/** Makes a CRD schema strict like the API server: unknown fields are errors unless preserved. */
function strictCrd(schema) {
  if (Array.isArray(schema)) return schema.map(strictCrd);
  if (schema === null || typeof schema !== 'object') return schema;
  const result = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    result[key] = key === 'properties' ? mapValues(value, strictCrd) : strictCrd(value);
  }
  if (result['x-kubernetes-int-or-string'])
    return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  if (
    result.properties !== undefined &&
    result.additionalProperties === undefined &&
    !result['x-kubernetes-preserve-unknown-fields']
  ) {
    result.additionalProperties = false;
  }
  return result;
}

/**
 * Returns the schema of the openfaas.com/v1 Function resource.
 *
 * NOTE: hand-written. The Go module proxy refuses github.com/openfaas/* (403), and no npm,
 * PyPI or Maven Central package was found that ships the Function CRD. The fields are those
 * of the Function CRD that faas-netes publishes (artifacts/crds/openfaas.com_functions.yaml)
 * and of the OpenFaaS documentation: spec.name and spec.image required, the rest optional.
 * Unknown fields are rejected, as the API server does with a structural CRD.
 */
function openfaasFunctionSchema() {
  const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
  const stringList = { type: 'array', items: { type: 'string' } };
  const resources = {
    type: 'object',
    additionalProperties: false,
    properties: { cpu: { type: 'string' }, memory: { type: 'string' } },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { type: 'string', enum: ['openfaas.com/v1'] },
      kind: { type: 'string', enum: ['Function'] },
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'image'],
        properties: {
          name: { type: 'string', minLength: 1 },
          image: { type: 'string', minLength: 1 },
          handler: { type: 'string' },
          annotations: stringMap,
          labels: stringMap,
          environment: stringMap,
          constraints: stringList,
          secrets: stringList,
          limits: resources,
          requests: resources,
          readOnlyRootFilesystem: { type: 'boolean' },
        },
      },
    },
  };
}
