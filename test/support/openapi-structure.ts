/**
 * What makes a document a structurally valid OpenAPI 3.1 document (spec.openapis.org/oas/v3.1.0), checked by hand:
 * the required fields, the allowed keys of path items and operations, parameters and path templates, responses,
 * security, unique operation ids, and that every `$ref` resolves inside the document. Schema objects are checked
 * for the JSON Schema 2020-12 shapes OpenAPI 3.1 uses (no 3.0 leftovers such as `nullable`). Returns the problems.
 */

type Json = { [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const pathItemKeys = new Set(['$ref', 'summary', 'description', 'servers', 'parameters', ...methods]);
const operationKeys = new Set(['tags', 'summary', 'description', 'externalDocs', 'operationId', 'parameters', 'requestBody', 'responses', 'callbacks', 'deprecated', 'security', 'servers']);
const parameterLocations = ['query', 'header', 'path', 'cookie'];
const jsonSchemaTypes = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
const securitySchemeTypes = ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'];

function resolvePointer(document: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(at) && !Array.isArray(at)) return undefined;
    at = (at as Json)[key];
  }
  return at;
}

function checkSchema(schema: unknown, where: string, problems: string[]): void {
  if (typeof schema === 'boolean') return;
  if (!isObject(schema)) return void problems.push(`${where}: a schema must be an object or a boolean`);
  if ('nullable' in schema) problems.push(`${where}: "nullable" is OpenAPI 3.0; 3.1 writes type: [..., "null"]`);
  if (typeof schema.exclusiveMinimum === 'boolean' || typeof schema.exclusiveMaximum === 'boolean') problems.push(`${where}: boolean exclusiveMinimum/Maximum is OpenAPI 3.0`);
  if ('type' in schema) {
    const types = [schema.type].flat();
    if (types.length === 0 || types.some((t) => typeof t !== 'string' || !jsonSchemaTypes.includes(t))) problems.push(`${where}: unknown type ${JSON.stringify(schema.type)}`);
  }
  if ('required' in schema) {
    const required = schema.required;
    if (!Array.isArray(required) || required.some((r) => typeof r !== 'string') || new Set(required).size !== required.length) problems.push(`${where}: required must be unique strings`);
  }
  if ('enum' in schema && (!Array.isArray(schema.enum) || schema.enum.length === 0)) problems.push(`${where}: enum must be a non-empty array`);
  if ('$ref' in schema && typeof schema.$ref !== 'string') problems.push(`${where}: $ref must be a string`);
  for (const key of ['properties', 'patternProperties', '$defs', 'dependentSchemas']) {
    if (key in schema) {
      if (!isObject(schema[key])) problems.push(`${where}.${key}: must be an object`);
      else for (const [name, sub] of Object.entries(schema[key] as Json)) checkSchema(sub, `${where}.${key}.${name}`, problems);
    }
  }
  for (const key of ['items', 'additionalProperties', 'propertyNames', 'not', 'if', 'then', 'else', 'contains', 'unevaluatedProperties', 'unevaluatedItems']) {
    if (key in schema) checkSchema(schema[key], `${where}.${key}`, problems);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
    if (key in schema) {
      if (!Array.isArray(schema[key]) || (schema[key] as unknown[]).length === 0) problems.push(`${where}.${key}: must be a non-empty array`);
      else (schema[key] as unknown[]).forEach((sub, i) => checkSchema(sub, `${where}.${key}.${i}`, problems));
    }
  }
}

function checkContent(content: unknown, where: string, problems: string[]): void {
  if (!isObject(content)) return void problems.push(`${where}: content must be an object of media types`);
  for (const [mediaType, media] of Object.entries(content)) {
    if (!/^[\w.+-]+\/[\w.+*-]+$/.test(mediaType)) problems.push(`${where}: "${mediaType}" is not a media type`);
    if (!isObject(media)) problems.push(`${where}.${mediaType}: must be a Media Type Object`);
    else if ('schema' in media) checkSchema(media.schema, `${where}.${mediaType}.schema`, problems);
  }
}

export function openApiProblems(document: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(document)) return ['the document is not an object'];
  if (typeof document.openapi !== 'string' || !/^3\.1\.\d+$/.test(document.openapi)) problems.push(`openapi must be "3.1.x", not ${JSON.stringify(document.openapi)}`);
  const info = document.info;
  if (!isObject(info) || typeof info.title !== 'string' || !info.title || typeof info.version !== 'string' || !info.version) problems.push('info needs a title and a version');
  if (!('paths' in document) && !('components' in document) && !('webhooks' in document)) problems.push('one of paths, components, webhooks is required');

  const components = isObject(document.components) ? document.components : {};
  const securitySchemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  for (const [name, scheme] of Object.entries(securitySchemes)) {
    if (!isObject(scheme) || !securitySchemeTypes.includes(scheme.type as string)) problems.push(`securitySchemes.${name}: unknown type`);
    else if (scheme.type === 'http' && typeof scheme.scheme !== 'string') problems.push(`securitySchemes.${name}: http needs a scheme`);
  }
  for (const [name, schema] of Object.entries(isObject(components.schemas) ? components.schemas : {})) checkSchema(schema, `components.schemas.${name}`, problems);
  const checkSecurity = (security: unknown, where: string) => {
    if (!Array.isArray(security)) return void problems.push(`${where}: security must be an array`);
    for (const requirement of security) {
      if (!isObject(requirement)) problems.push(`${where}: a security requirement must be an object`);
      else for (const name of Object.keys(requirement)) if (!(name in securitySchemes)) problems.push(`${where}: security scheme "${name}" is not in components.securitySchemes`);
    }
  };
  if ('security' in document) checkSecurity(document.security, 'security');

  const tagNames = Array.isArray(document.tags) ? document.tags.map((t) => (isObject(t) ? t.name : undefined)) : [];
  if (tagNames.some((t) => typeof t !== 'string') || new Set(tagNames).size !== tagNames.length) problems.push('tags must have unique names');

  const operationIds = new Set<string>();
  const templates = new Map<string, string>();
  for (const [path, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    const where = `paths.${path}`;
    if (!path.startsWith('/')) problems.push(`${where}: a path starts with /`);
    const template = path.replace(/\{[^}]+\}/g, '{}');
    if (templates.has(template)) problems.push(`${where}: same template as ${templates.get(template)}`);
    templates.set(template, path);
    if (!isObject(item)) {
      problems.push(`${where}: must be a Path Item Object`);
      continue;
    }
    for (const key of Object.keys(item)) if (!pathItemKeys.has(key) && !key.startsWith('x-')) problems.push(`${where}: unknown key "${key}"`);
    const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of methods.filter((m) => m in item)) {
      const operation = item[method];
      const at = `${method.toUpperCase()} ${path}`;
      if (!isObject(operation)) {
        problems.push(`${at}: must be an Operation Object`);
        continue;
      }
      for (const key of Object.keys(operation)) if (!operationKeys.has(key) && !key.startsWith('x-')) problems.push(`${at}: unknown key "${key}"`);
      if (typeof operation.operationId === 'string') {
        if (operationIds.has(operation.operationId)) problems.push(`${at}: operationId "${operation.operationId}" is not unique`);
        operationIds.add(operation.operationId);
      }
      if ('tags' in operation) for (const tag of operation.tags as unknown[]) if (!tagNames.includes(tag)) problems.push(`${at}: tag "${String(tag)}" is not declared`);
      if ('security' in operation) checkSecurity(operation.security, at);

      const parameters = [...(Array.isArray(item.parameters) ? item.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])];
      const seen = new Set<string>();
      for (const parameter of parameters) {
        if (!isObject(parameter) || typeof parameter.name !== 'string' || !parameterLocations.includes(parameter.in as string)) {
          problems.push(`${at}: a parameter needs a name and an "in" of ${parameterLocations.join(', ')}`);
          continue;
        }
        const key = `${parameter.in}:${parameter.name}`;
        if (seen.has(key)) problems.push(`${at}: parameter ${key} twice`);
        seen.add(key);
        if (('schema' in parameter) === ('content' in parameter)) problems.push(`${at}: parameter ${key} needs exactly one of schema and content`);
        if ('schema' in parameter) checkSchema(parameter.schema, `${at} parameter ${key}`, problems);
        if (parameter.in === 'path') {
          if (parameter.required !== true) problems.push(`${at}: path parameter ${parameter.name} must be required`);
          if (!pathParams.includes(parameter.name)) problems.push(`${at}: path parameter ${parameter.name} is not in the path`);
        }
      }
      for (const name of pathParams) if (!seen.has(`path:${name}`)) problems.push(`${at}: {${name}} has no path parameter`);

      if ('requestBody' in operation) {
        const body = operation.requestBody;
        if (!isObject(body) || !isObject(body.content) || Object.keys(body.content).length === 0) problems.push(`${at}: requestBody needs content`);
        else checkContent(body.content, `${at} requestBody`, problems);
      }
      if (!isObject(operation.responses) || Object.keys(operation.responses).length === 0) {
        problems.push(`${at}: no responses`);
        continue;
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) problems.push(`${at}: "${status}" is not a status code`);
        if (!isObject(response)) problems.push(`${at} ${status}: must be a Response Object`);
        else if (!('$ref' in response)) {
          if (typeof response.description !== 'string') problems.push(`${at} ${status}: a response needs a description`);
          if ('content' in response) checkContent(response.content, `${at} ${status}`, problems);
        }
      }
    }
  }

  const refs: string[] = [];
  const collect = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) (k === '$ref' && typeof v === 'string' ? refs.push(v) : collect(v));
  };
  collect(document);
  for (const ref of new Set(refs)) if (resolvePointer(document, ref) === undefined) problems.push(`$ref ${ref} does not resolve inside the document`);
  return problems;
}
