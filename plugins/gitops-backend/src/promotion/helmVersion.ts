import { InputError } from '@backstage/errors';
import { isMap } from 'yaml';
import type { ImageTagSource } from './imageTagSource';
import {
  applySplices,
  parseYaml,
  scalarText,
  spliceFor,
  stringify,
} from './yamlEdit';

/** A Helm values file per environment: `<root>/values-<env>.yaml`, `image.tag`. */
export const helmVersion: ImageTagSource = {
  defaultRoot: service => `charts/${service}`,
  path: (root, env) => `${root.replace(/\/+$/, '')}/values-${env}.yaml`,
  read(text, target) {
    return scalarText(
      parseYaml(text, target.path).getIn(['image', 'tag'], true),
    );
  },
  write(text, target, version) {
    const doc = parseYaml(text, target.path);
    const splice = spliceFor(doc.getIn(['image', 'tag'], true), version);
    if (splice) return applySplices(text, [splice]);
    const image = doc.get('image', true);
    if (image !== undefined && !isMap(image)) {
      throw new InputError(`${target.path}: image is not a map`);
    }
    doc.setIn(['image', 'tag'], version);
    return stringify(doc);
  },
};
