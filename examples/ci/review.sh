#!/usr/bin/env bash
# channelkit review in CI: synthesize BASE and HEAD, plan the stacks whose providers are reachable, review,
# post (or update) ONE pull-request comment, and fail on blockers. The workflow next to it (review.yml) runs
# it on every pull request; it runs the same way on a laptop.
#
# Usage (from the app's directory, inside its git repository):
#     examples/ci/review.sh BASE_REF [HEAD_REF]        # HEAD_REF defaults to HEAD
#
# Environment (all optional):
#   CHANNELKIT              the channelkit command (default: channelkit)
#   REVIEW_DIR              where outputs, plans and reports go (default: .channelkit-review, emptied first)
#   REVIEW_APP              the command that synthesizes the app (default: its cdktf.json `app`, else python main.py)
#   REVIEW_PLAN_STACKS      space-separated stacks to `terraform plan` + `show -json` (their providers must be
#                           reachable with the job's credentials, e.g. AWS); the review uses those real plans
#   TERRAFORM               the terraform binary (default: terraform)
#   REVIEW_ALLOW_DATA_LOSS  a reason: the data-loss blockers are recorded as allowed (who: GITHUB_ACTOR/USER)
#   REVIEW_POST             post | dry-run | off (default: post on GitHub Actions with PR_NUMBER set, else off);
#                           dry-run prints the `gh api` calls instead of making them
#   PR_NUMBER, GITHUB_REPOSITORY, GH_TOKEN   the pull request to comment on, for `gh api`
#
# Exit code: the review's: 0 nothing blocks, 2 a blocker, 1 an error (then nothing is posted).
set -euo pipefail

base_ref=${1:?usage: review.sh BASE_REF [HEAD_REF]}
head_ref=${2:-HEAD}
channelkit=${CHANNELKIT:-channelkit}
terraform=${TERRAFORM:-terraform}
dir=$(mkdir -p "${REVIEW_DIR:-.channelkit-review}" && cd "${REVIEW_DIR:-.channelkit-review}" && pwd)
marker='<!-- channelkit-review -->'
if [ -z "${REVIEW_POST:-}" ]; then
  if [ "${GITHUB_ACTIONS:-}" = true ] && [ -n "${PR_NUMBER:-}" ]; then REVIEW_POST=post; else REVIEW_POST=off; fi
fi
case "$REVIEW_POST" in post|dry-run|off) ;; *) echo "REVIEW_POST must be post, dry-run or off" >&2; exit 1 ;; esac

top=$(git rev-parse --show-toplevel)
prefix=$(git rev-parse --show-prefix)  # the app's directory inside the repository ("" at the root)
rm -rf "$dir/base" "$dir/head" "$dir"/plan-*.json "$dir/review.md" "$dir/review.json"
trees=()
cleanup() {
  for tree in "${trees[@]}"; do git -C "$top" worktree remove --force "$tree" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# synth NAME REF: check REF out in a temporary worktree and synthesize its app into $dir/NAME.
synth() {
  local name=$1 ref=$2 tree
  tree=$(mktemp -d "${TMPDIR:-/tmp}/channelkit-review-$name.XXXXXX")
  rmdir "$tree"
  git -C "$top" worktree add --quiet --detach "$tree" "$ref"
  trees+=("$tree")
  local app_args=()
  [ -n "${REVIEW_APP:-}" ] && app_args=(--app "$REVIEW_APP")
  echo "== synth $name ($ref)" >&2
  # policy violations are recorded for the review (channelkit-policy.json) instead of failing the synthesis
  (cd "$tree/$prefix" && CHANNELKIT_POLICY_REPORT="$dir/$name" $channelkit synth --out "$dir/$name" "${app_args[@]}") >"$dir/synth-$name.log" \
    || { cat "$dir/synth-$name.log" >&2; echo "synthesis of $ref failed" >&2; exit 1; }
}
synth base "$base_ref"
synth head "$head_ref"

plan_args=()
for stack in ${REVIEW_PLAN_STACKS:-}; do
  echo "== terraform plan $stack" >&2
  (
    cd "$dir/head/stacks/$stack"
    "$terraform" init -input=false -no-color >&2
    "$terraform" plan -input=false -lock=false -no-color -out=plan.bin >&2
    "$terraform" show -json plan.bin >"$dir/plan-$stack.json"
  )
  plan_args+=(--plan "$stack=$dir/plan-$stack.json")
done

review_args=(--base "$dir/base" --head "$dir/head" "${plan_args[@]}")
[ -n "${REVIEW_ALLOW_DATA_LOSS:-}" ] && review_args+=(--allow-data-loss "$REVIEW_ALLOW_DATA_LOSS")
set +e
$channelkit review "${review_args[@]}" --format json --out "$dir/review.json" >/dev/null
rc=$?
set -e
if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
  echo "channelkit review failed (exit $rc)" >&2
  exit "$rc"
fi
set +e
$channelkit review "${review_args[@]}" --format markdown --out "$dir/review.md"
set -e
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$dir/review.md" >>"$GITHUB_STEP_SUMMARY"

# post_comment: update the pull request's one comment that starts with the marker, or create it.
# dry-run prints the calls (the lookup included) instead of making them.
post_comment() {
  local repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is needed to post} pr=${PR_NUMBER:?PR_NUMBER is needed to post}
  local lookup=(api --paginate "repos/$repo/issues/$pr/comments" --jq ".[] | select(.body | startswith(\"$marker\")) | .id")
  local existing=""
  if [ "$REVIEW_POST" = dry-run ]; then
    echo "gh ${lookup[*]}"
  else
    existing=$(gh "${lookup[@]}" | head -n 1)
  fi
  local run=(gh)
  [ "$REVIEW_POST" = dry-run ] && run=(echo gh)
  if [ -n "$existing" ]; then
    "${run[@]}" api --method PATCH "repos/$repo/issues/comments/$existing" -F "body=@$dir/review.md"
  else
    "${run[@]}" api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$dir/review.md"
  fi
}
if [ "$REVIEW_POST" != off ]; then
  post_comment >&2
fi
exit "$rc"
