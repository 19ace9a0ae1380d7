import { Deployment } from 'kubernetes-models/apps/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { itemAt } from '../helpers/item-at.js';

const MODELS = { Deployment, Service, Secret, HTTPRoute } as const;
type Kind = keyof typeof MODELS;

export interface KubeObject {
  kind: Kind;
  metadata: { name: string };
  [key: string]: unknown;
}

/** Every YAML document parsed back and validated by its official object model (throws on the first invalid one). */
export function parseKubernetes(text: string): KubeObject[] {
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(`YAML error: ${itemAt(document.errors, 0).message}`);
    const object = document.toJS() as KubeObject;
    const Model = MODELS[object.kind];
    if (!Model) throw new Error(`unexpected kind ${object.kind}`);
    // The model's own validate(): the Kubernetes/Gateway API OpenAPI schema, required fields and types.
    new Model(object as never).validate();
    return object;
  });
}

// The schema names draft-07 by its https URL, which Ajv does not register; Ajv's default dialect is draft-07.
const { $schema: _draft, ...composeSchema } = JSON.parse(readFileSync(join(import.meta.dirname, 'vendor', 'compose-spec.json'), 'utf8')) as Record<
  string,
  unknown
>;
const validateCompose = new Ajv({ allErrors: true, strict: false }).compile(composeSchema);

export function parseCompose(text: string): { name: string; services: Record<string, any> } {
  const document = parse(text) as { name: string; services: Record<string, any> };
  if (!validateCompose(document)) throw new Error(`compose.yaml does not match the Compose spec: ${JSON.stringify(validateCompose.errors)}`);
  return document;
}

/** A unit file read back: section -> key -> values (systemd keys may repeat). */
export type UnitFile = Record<string, Record<string, string[]>>;

export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = {};
  let section: Record<string, string[]> | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [, header] = /^\[(\w+)\]$/.exec(line) ?? [];
    if (header !== undefined) {
      section = unit[header] = {};
      continue;
    }
    const equals = line.indexOf('=');
    if (!section || equals <= 0) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, equals);
    section[key] = [...(section[key] ?? []), line.slice(equals + 1)];
  }
  return unit;
}

/** systemd's word splitting of a value: double-quoted words with C escapes, `%%` and `$$` (when variables expand) undone. */
export function unitWords(value: string, expandsVariables: boolean): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const match of value.matchAll(pattern)) {
    const [, quoted, bare = ''] = match;
    let word = quoted !== undefined ? quoted.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char)) : bare;
    word = word.replace(/%%/g, '%');
    if (expandsVariables) word = word.replace(/\$\$/g, '$');
    words.push(word);
  }
  return words;
}
