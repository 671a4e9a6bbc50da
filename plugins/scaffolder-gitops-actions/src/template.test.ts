import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { createManifestsCreateAction } from './actions/manifestsCreate';
import { createManifestsValidateAction } from './actions/manifestsValidate';
import { createArgocdRegisterAction } from './actions/argocdRegister';
import { createEnvironmentNextAction } from './actions/environmentNext';
import { createEnvironmentPromoteAction } from './actions/environmentPromote';
import { createRepoCloneAction } from './actions/repoClone';
import { createRepoPushAction } from './actions/repoPush';

const TEMPLATE = path.resolve(
  __dirname,
  '../../../examples/templates/gitops-service/template.yaml',
);

describe('examples/templates/gitops-service', () => {
  it('uses the gitops actions with inputs they declare', () => {
    const template = parse(fs.readFileSync(TEMPLATE, 'utf8'));
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.metadata.title).toBe('New service with GitOps');
    const actions = new Map(
      [
        createManifestsCreateAction(),
        createManifestsValidateAction(),
        createArgocdRegisterAction(),
        createEnvironmentNextAction(),
        createRepoCloneAction(),
        createRepoPushAction(),
      ].map(a => [a.id, a]),
    );
    const steps: any[] = template.spec.steps;
    expect(steps.map(s => s.action)).toEqual([
      'fetch:template',
      'gitops:repo:clone',
      'gitops:manifests:create',
      'gitops:manifests:validate',
      'gitops:argocd:register',
      'gitops:repo:push',
      'catalog:register',
    ]);
    for (const step of steps.filter(s => s.action.startsWith('gitops:'))) {
      const schema: any = actions.get(step.action)!.schema!.input;
      const declared = Object.keys(schema.properties);
      expect({
        step: step.id,
        unknown: Object.keys(step.input).filter(k => !declared.includes(k)),
      }).toEqual({ step: step.id, unknown: [] });
      for (const required of schema.required ?? []) {
        expect({ step: step.id, input: Object.keys(step.input) }).toEqual({
          step: step.id,
          input: expect.arrayContaining([required]),
        });
      }
    }
    expect(
      fs.existsSync(path.join(path.dirname(TEMPLATE), 'skeleton/README.md')),
    ).toBe(true);
  });
});

describe('examples/templates/promote-service', () => {
  it('promotes with inputs the action declares', () => {
    const template = parse(
      fs.readFileSync(
        path.resolve(
          __dirname,
          '../../../examples/templates/promote-service/template.yaml',
        ),
        'utf8',
      ),
    );
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    const schema: any = createEnvironmentPromoteAction({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
    }).schema!.input;
    const steps: any[] = template.spec.steps;
    expect(steps.map(s => s.action)).toEqual(['gitops:environment:promote']);
    const [step] = steps;
    expect(
      Object.keys(step.input).filter(k => !(k in schema.properties)),
    ).toEqual([]);
    expect(Object.keys(step.input)).toEqual(
      expect.arrayContaining(schema.required),
    );
    const parameters = template.spec.parameters[0];
    expect(parameters.properties.entityRef['ui:field']).toBe('EntityPicker');
    expect(parameters.properties.to.enum).toEqual(['dev', 'staging', 'prod']);
  });
});
