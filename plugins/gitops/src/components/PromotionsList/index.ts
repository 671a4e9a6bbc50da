export { PromotionsList } from './PromotionsList';
