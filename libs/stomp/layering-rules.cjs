// dependency-cruiser rules for a source tree laid out in LAYERS (see layers.cjs), rooted at `root`.
const { LAYERS } = require('./layers.cjs');

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Files of a layer: root-level files for '.', else everything under the folder. */
function pathsOf(root, layer) {
  return layer.folders.map((folder) => (folder === '.' ? `^${escape(root)}/[^/]+$` : `^${escape(root)}/${escape(folder)}/`));
}

function layeringRules(root) {
  const rules = [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circle, type-only imports included.',
      from: { path: `^${escape(root)}/` },
      to: { circular: true },
    },
  ];
  LAYERS.forEach((layer, rank) => {
    const above = LAYERS.slice(0, rank);
    if (above.length === 0) return;
    rules.push({
      name: `no-upward-import-from-${layer.name}`,
      severity: 'error',
      comment: `${layer.name} (${layer.why}) may import only from itself and the stages below it: ${LAYERS.slice(rank + 1).map((l) => l.name).join(', ') || 'none'}.`,
      from: { path: pathsOf(root, layer) },
      to: { path: above.flatMap((l) => pathsOf(root, l)) },
    });
  });
  return rules;
}

module.exports = { layeringRules };
