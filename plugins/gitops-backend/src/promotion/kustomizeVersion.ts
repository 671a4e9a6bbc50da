import { InputError } from '@backstage/errors';
import { isMap, isSeq, type Document } from 'yaml';
import type { ImageTagSource } from './imageTagSource';
import type { VersionTarget } from './versionFiles';
import {
  applySplices,
  parseYaml,
  scalarText,
  spliceFor,
  stringify,
} from './yamlEdit';

/**
 * The `images[]` entry of the service: the one named `imageName`, else the one named like the
 * service (or `…/<service>`), else the only one.
 */
function findImage(doc: Document, target: VersionTarget) {
  const images = doc.get('images', true);
  if (!isSeq(images)) {
    throw new InputError(`${target.path}: has no images list`);
  }
  const items = images.items.filter(isMap);
  const nameOf = (item: (typeof items)[number]) => String(item.get('name'));
  const wanted = target.imageName;
  const matches = items.filter(item => {
    const name = nameOf(item);
    if (wanted) return name === wanted;
    return name === target.service || name.endsWith(`/${target.service}`);
  });
  if (matches.length === 1) return matches[0];
  if (!wanted && matches.length === 0 && items.length === 1) return items[0];
  throw new InputError(
    `${target.path}: ${
      matches.length === 0 ? 'no' : 'more than one'
    } images[] entry named ${wanted ?? target.service}`,
  );
}

/** A Kustomize overlay: `<root>/overlays/<env>/kustomization.yaml`, `images[].newTag`. */
export const kustomizeVersion: ImageTagSource = {
  defaultRoot: service => `apps/${service}`,
  path: (root, env) =>
    `${root.replace(/\/+$/, '')}/overlays/${env}/kustomization.yaml`,
  read(text, target) {
    const image = findImage(parseYaml(text, target.path), target);
    return scalarText(image.get('newTag', true));
  },
  write(text, target, version) {
    const doc = parseYaml(text, target.path);
    const image = findImage(doc, target);
    // A digest pins the image: a new tag next to it would not change what runs.
    if (image.has('digest')) {
      throw new InputError(
        `${target.path}: the image ${String(
          image.get('name'),
        )} is pinned by digest; remove the digest to promote by tag`,
      );
    }
    const splice = spliceFor(image.get('newTag', true), version);
    if (splice) return applySplices(text, [splice]);
    image.set('newTag', version);
    return stringify(doc);
  },
};
