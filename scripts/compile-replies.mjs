// Compiles the protocol's zod schemas of the replies the CLI's fast path reads into plain
// functions, so `herve ls` checks what the daemon sent without loading zod (scripts/bundle-cli.mjs
// serves the result as the module `herve:compiled-replies`).
//
// Each function does what zod's parse does for its schema (the same checks, defaults, key order
// and stripping) and either returns zod's output or gives up. It gives up only when it cannot vouch
// for the value (invalid, or a refinement that throws); the client then asks zod itself, so an
// invalid reply is reported in zod's words. A schema part this compiler does not know stops the
// build rather than being guessed at.

/** Methods whose results the fast path reads (hello on connect, ls, start, stop, a failed start's logs). */
export const FAST_METHODS = ['hello', 'list', 'stats', 'start', 'stop', 'logs'];
/** What the rest of the CLI reads: every method's result, and the events the dashboard and `-f` follow. */
export const EVERY_METHOD = 'every method';

/** What every object's function calls: `fields` are key, function, key, function… in the shape's order. */
const OBJECT_HELPER = `function object(v, fields, known) {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return FAIL;
  const out = {};
  for (let i = 0; i < fields.length; i += 2) {
    const x = fields[i + 1](v[fields[i]]);
    if (x === FAIL) return FAIL;
    if (x !== undefined) out[fields[i]] = x;
  }
  if (known !== undefined) for (const key of Object.keys(v)) if (!known.has(key)) return FAIL;
  return out;
}`;

/** JSON value kinds, to tell whether a union's options can ever both accept one value. */
const KINDS = ['string', 'number', 'boolean', 'null', 'array', 'object'];

/**
 * @param {Record<string, { result: any }>} methods the protocol's method table
 * @param {any} response the protocol's Response envelope
 * @param {{ methods?: string[] | typeof EVERY_METHOD; event?: any }} [which] the methods whose results to compile (the fast path's by
 *   default) and the Event schema, when events are to be compiled too
 * @returns {string} an ES module: `compiledResponse(value)`, `compiledResults[method](value)` and `compiledEvent(value)`, each
 *   `{ ok: true, value }` or undefined
 */
export function compiledRepliesSource(methods, response, which = {}) {
  const names = which.methods === EVERY_METHOD ? Object.keys(methods) : (which.methods ?? FAST_METHODS);
  /** @type {string[]} */
  const lines = [];
  /** @type {Map<unknown, string>} */
  const compiled = new Map();
  /** @type {Map<string, string>} */
  const constants = new Map();
  /** @type {Map<string, string>} */
  const bodies = new Map();

  /** @param {string} expression */
  const constant = (expression) => {
    let name = constants.get(expression);
    if (name === undefined) {
      name = `k${constants.size}`;
      constants.set(expression, name);
      lines.push(`const ${name} = ${expression};`);
    }
    return name;
  };

  /** @param {any} schema @param {string} where @returns {string} the predicate's name */
  const predicate = (schema, where) => {
    const known = compiled.get(schema);
    if (known !== undefined) return known;
    const name = `p${compiled.size}`;
    compiled.set(schema, name);
    const body = predicateBody(schema, where);
    // Schemas built alike (every `z.number().int()`) compile alike: one function serves them all.
    const twin = bodies.get(body);
    if (twin !== undefined) {
      compiled.set(schema, twin);
      return twin;
    }
    bodies.set(body, name);
    lines.push(`function ${name}(v) {\n${body}\n}`);
    return name;
  };

  /** @param {any} schema @param {string} where */
  const predicateBody = (schema, where) => {
    const def = schema._zod.def;
    /** @type {string[]} */
    const out = [];
    const fail = (/** @type {string} */ condition) => out.push(`  if (${condition}) return FAIL;`);
    const checks = () => {
      for (const check of def.checks ?? []) fail(`!(${checkExpression(check._zod.def, def.type, where)})`);
    };
    switch (def.type) {
      case 'string':
      case 'number':
      case 'boolean':
        if (def.coerce) unsupported(where, `coerced ${def.type}`);
        fail(def.type === 'number' ? `typeof v !== 'number' || !Number.isFinite(v)` : `typeof v !== '${def.type}'`);
        checks();
        out.push('  return v;');
        break;
      case 'unknown':
      case 'any':
        out.push('  return v;');
        break;
      case 'literal':
        fail(`!${constant(`new Set(${JSON.stringify(def.values)})`)}.has(v)`);
        out.push('  return v;');
        break;
      case 'enum':
        fail(`!${constant(`new Set(${JSON.stringify(Object.values(def.entries))})`)}.has(v)`);
        out.push('  return v;');
        break;
      case 'nullable':
        out.push(`  return v === null ? null : ${predicate(def.innerType, where)}(v);`);
        break;
      case 'optional':
        out.push(`  return v === undefined ? undefined : ${predicate(def.innerType, where)}(v);`);
        break;
      case 'default':
        // zod hands out the default as it is, without parsing it.
        out.push(`  return v === undefined ? ${jsonLiteral(def.defaultValue, where)} : ${predicate(def.innerType, where)}(v);`);
        break;
      case 'prefault':
        out.push(`  return ${predicate(def.innerType, where)}(v === undefined ? ${jsonLiteral(def.defaultValue, where)} : v);`);
        break;
      case 'tuple': {
        // Only fixed tuples: zod's rules for a rest element and optional trailing items are not copied here.
        if (def.rest !== null || def.items.some((/** @type {any} */ item) => ['optional', 'default', 'prefault'].includes(item._zod.def.type)))
          unsupported(where, 'a tuple with a rest element or optional items');
        fail(`!Array.isArray(v) || v.length !== ${def.items.length}`);
        checks();
        const items = def.items.map((/** @type {any} */ item, /** @type {number} */ i) => predicate(item, `${where}[${i}]`));
        for (const [i, name] of items.entries()) out.push(`  const x${i} = ${name}(v[${i}]);`, `  if (x${i} === FAIL) return FAIL;`);
        out.push(`  return [${items.map((/** @type {string} */ _, /** @type {number} */ i) => `x${i}`).join(', ')}];`);
        break;
      }
      case 'array':
        fail('!Array.isArray(v)');
        checks();
        out.push(
          '  const out = new Array(v.length);',
          `  for (let i = 0; i < v.length; i++) if ((out[i] = ${predicate(def.element, `${where}[]`)}(v[i])) === FAIL) return FAIL;`,
          '  return out;',
        );
        break;
      case 'record':
        if (def.keyType._zod.def.type !== 'string') unsupported(where, `record keyed by ${def.keyType._zod.def.type}`);
        fail(`typeof v !== 'object' || v === null || Array.isArray(v)`);
        out.push(
          '  const out = {};',
          // zod assigns each key to a fresh object, where `__proto__` would set the prototype instead.
          `  for (const key of Object.keys(v)) if (key === '__proto__' || ${predicate(def.keyType, `${where} key`)}(key) === FAIL || (out[key] = ${predicate(def.valueType, `${where}{}`)}(v[key])) === FAIL) return FAIL;`,
          '  return out;',
        );
        break;
      case 'object':
        if ((def.checks ?? []).length > 0) unsupported(where, 'object with checks');
        out.push(...objectBody(def, where));
        break;
      case 'union':
        if ((def.checks ?? []).length > 0) unsupported(where, 'union with checks');
        out.push(...unionBody(def, where));
        break;
      default:
        unsupported(where, def.type);
    }
    return out.join('\n');
  };

  /** A fresh object in the shape's order, as zod builds it: extra keys stripped (or refused when strict). @param {any} def @param {string} where */
  const objectBody = (def, where) => {
    const catchall = def.catchall?._zod.def.type;
    if (catchall !== undefined && catchall !== 'never') unsupported(where, `object with a ${catchall} catchall`);
    const fields = Object.entries(def.shape).map(([key, field]) => `${JSON.stringify(key)}, ${predicate(field, `${where}.${key}`)}`);
    const known = catchall === 'never' ? constant(`new Set(${JSON.stringify(Object.keys(def.shape))})`) : 'undefined';
    return [`  return object(v, ${constant(`[${fields.join(', ')}]`)}, ${known});`];
  };

  /** @param {any} def @param {string} where */
  const unionBody = (def, where) => {
    if (def.discriminator !== undefined) {
      const out = [`  if (typeof v !== 'object' || v === null) return FAIL;`, `  switch (v[${JSON.stringify(def.discriminator)}]) {`];
      for (const option of def.options) {
        const field = option._zod.def.shape?.[def.discriminator];
        if (field?._zod.def.type !== 'literal') unsupported(where, 'discriminated union without a literal discriminator');
        for (const value of field._zod.def.values) out.push(`    case ${JSON.stringify(value)}: return ${predicate(option, where)}(v);`);
      }
      out.push('    default: return FAIL;', '  }');
      return out;
    }
    // zod takes the first option that accepts the value; when no two options accept the same kind
    // of value, at most one can.
    const kinds = def.options.map((/** @type {any} */ option) => kindsOf(option));
    const all = kinds.flat();
    if (new Set(all).size !== all.length) unsupported(where, 'union whose options accept the same kind of value');
    return ['  let x;', ...def.options.map((/** @type {any} */ option) => `  if ((x = ${predicate(option, where)}(v)) !== FAIL) return x;`), '  return FAIL;'];
  };

  /** @param {any} check @param {string} type @param {string} where */
  const checkExpression = (check, type, where) => {
    switch (check.check) {
      case 'min_length':
        return `v.length >= ${check.minimum}`;
      case 'max_length':
        return `v.length <= ${check.maximum}`;
      case 'length_equals':
        return `v.length === ${check.length}`;
      case 'greater_than':
        return `v ${check.inclusive ? '>=' : '>'} ${check.value}`;
      case 'less_than':
        return `v ${check.inclusive ? '<=' : '<'} ${check.value}`;
      case 'number_format':
        if (check.format !== 'safeint') unsupported(where, `number format ${check.format}`);
        return 'Number.isSafeInteger(v)';
      case 'string_format':
        return stringFormat(check, where);
      case 'custom': {
        // A refinement's own code: one that needs more than its argument throws, and the value is left to zod.
        const fn = constant(`(${String(check.fn)})`);
        return `${fn}(v)`;
      }
      default:
        unsupported(where, `${type} check ${check.check}`);
    }
  };

  /** @param {any} check @param {string} where */
  const stringFormat = (check, where) => {
    switch (check.format) {
      case 'starts_with':
        return `v.startsWith(${JSON.stringify(check.prefix)})`;
      case 'ends_with':
        return `v.endsWith(${JSON.stringify(check.suffix)})`;
      case 'includes':
        return `v.includes(${JSON.stringify(check.includes)})`;
      case 'regex':
      case 'lowercase':
      case 'uppercase': {
        /** @type {RegExp} */
        const pattern = check.pattern;
        const regex = constant(`new RegExp(${JSON.stringify(pattern.source)}, ${JSON.stringify(pattern.flags)})`);
        return `(${regex}.lastIndex = 0, ${regex}.test(v))`;
      }
      default:
        unsupported(where, `string format ${check.format}`);
    }
  };

  // A refinement that throws counts as a value this cannot vouch for, too.
  const guarded = (/** @type {string} */ name) =>
    `(v) => {\n  try {\n    const value = ${name}(v);\n    return value === FAIL ? undefined : { ok: true, value };\n  } catch {\n    return undefined;\n  }\n}`;
  const results = names.map((method) => {
    const entry = methods[method];
    if (entry === undefined) throw new Error(`compiled replies: the protocol has no method ${method}`);
    return `const ${method}Result = ${guarded(predicate(entry.result, `${method} result`))};`;
  });
  const envelope = predicate(response, 'response');
  const event = which.event === undefined ? '() => undefined' : guarded(predicate(which.event, 'event'));
  return [
    '// Generated by scripts/compile-replies.mjs from the zod schemas in protocol/: do not edit.',
    'const FAIL = Symbol("not vouched for");',
    OBJECT_HELPER,
    ...lines,
    `export const compiledResponse = ${guarded(envelope)};`,
    ...results,
    `export const compiledResults = { ${names.map((method) => `${method}: ${method}Result`).join(', ')} };`,
    `export const compiledEvent = ${event};`,
    '',
  ].join('\n');
}

/** @param {any} schema @returns {string[]} the JSON kinds a schema can accept */
function kindsOf(schema) {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
    case 'enum':
      return ['string'];
    case 'number':
      return ['number'];
    case 'boolean':
      return ['boolean'];
    case 'literal':
      return [...new Set(def.values.map((/** @type {unknown} */ value) => (value === null ? 'null' : typeof value)))];
    case 'array':
    case 'tuple':
      return ['array'];
    case 'object':
    case 'record':
      return ['object'];
    case 'nullable':
      return [...new Set(['null', ...kindsOf(def.innerType)])];
    case 'optional':
    case 'default':
    case 'prefault':
      return kindsOf(def.innerType);
    default:
      return KINDS;
  }
}

/** A value as a literal that builds a fresh copy each time it runs. @param {unknown} value @param {string} where */
function jsonLiteral(value, where) {
  const text = JSON.stringify(value);
  if (text === undefined || JSON.stringify(JSON.parse(text)) !== text || !isPlainData(value)) unsupported(where, 'a default that is not plain JSON data');
  return `JSON.parse(${JSON.stringify(text)})`;
}

/** @param {unknown} value @returns {boolean} */
function isPlainData(value) {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  return typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(isPlainData);
}

/** @param {string} where @param {string} what @returns {never} */
function unsupported(where, what) {
  throw new Error(
    `compiled replies: ${where} uses ${what}, which scripts/compile-replies.mjs does not compile; teach it, or leave the method out of the compiled ones`,
  );
}
