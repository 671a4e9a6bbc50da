import Ajv from 'ajv';
import { mockServices } from '@backstage/backend-test-utils';
import { parse } from 'yaml';
import { createManifestsCreateAction } from './actions/manifestsCreate';
import { examples as createExamples } from './actions/manifestsCreate.examples';
import { createManifestsValidateAction } from './actions/manifestsValidate';
import { examples as validateExamples } from './actions/manifestsValidate.examples';
import { createArgocdRegisterAction } from './actions/argocdRegister';
import { examples as registerExamples } from './actions/argocdRegister.examples';
import { createEnvironmentPromoteAction } from './actions/environmentPromote';
import { examples as promoteExamples } from './actions/environmentPromote.examples';

describe('action JSON schemas', () => {
  it.each(
    [
      [createManifestsCreateAction(), createExamples] as const,
      [createManifestsValidateAction(), validateExamples] as const,
      [createArgocdRegisterAction(), registerExamples] as const,
      [
        createEnvironmentPromoteAction({
          discovery: mockServices.discovery(),
          auth: mockServices.auth(),
        }),
        promoteExamples,
      ] as const,
    ].map(([action, examples]) => [action.id, action, examples] as const),
  )('%s accepts its examples', (_id, action, examples) => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(action.schema!.input as object);
    const results = examples.map(e => {
      const input = parse(e.example).steps[0].input;
      if (typeof input.applicationFiles === 'string')
        input.applicationFiles = ['a.yaml'];
      return validate(input) ? [] : validate.errors;
    });
    expect(results).toEqual(examples.map(() => []));
  });
});
