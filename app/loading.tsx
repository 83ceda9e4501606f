import { MatrixSkeleton } from "@/components/matrix/matrix-skeleton";

export default function Loading() {
  return <MatrixSkeleton />;
}
