export { SourceErrors, mergeSources } from './SourceErrors';
