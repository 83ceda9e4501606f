export { planPromotion } from "./plan";
export { promotionBranch } from "./branch";
export type { PromotionInput, PromotionPlan, PromotionMode, FieldChange, SkippedFile } from "./types";
export type { ChangeSet, FileEdit } from "../change-set";
