// JupyterLab 3's packages ship ES modules whose relative imports leave out the
// ".js" a bundler would add (webpack resolves them; Node does not). This
// resolve hook adds it, so Node can load @jupyterlab/rendermime's OutputModel
// straight from the published package. Installed by register.mjs (`node --import ./register.mjs`).

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (relative && err.code === 'ERR_MODULE_NOT_FOUND') {
      return next(specifier + '.js', context);
    }
    if (relative && err.code === 'ERR_UNSUPPORTED_DIR_IMPORT') {
      return next(specifier + '/index.js', context);
    }
    throw err;
  }
}
