/*
 * kubernetes-models and its @kubernetes-models/* siblings are ESM-only: their package.json
 * `exports` only has an `import` condition. The product code loads them with a dynamic
 * `import()` (see src/lib/models.ts); in Jest (CommonJS) we resolve them through their
 * `import` condition instead, and the SWC transform turns them into CommonJS.
 */
const ESM_ONLY =
  /^(?:kubernetes-models|@kubernetes-models\/[^/]+|is-cidr|cidr-regex|ip-regex)(?:\/|$)/;

module.exports = (request, options) => {
  if (!ESM_ONLY.test(request)) return options.defaultResolver(request, options);
  return options.defaultResolver(request, {
    ...options,
    conditions: ['import', 'node', 'default'],
  });
};
