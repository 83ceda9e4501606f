export { planPromotion } from "./plan";
export { promotionBranch } from "./branch";
export type { PromotionInput, PromotionPlan, PromotionMode, FieldChange, SkippedFile, ConfirmOption, RefusalOverride } from "./types";
export type { ChangeSet, FileEdit } from "../change-set";
