#!/bin/sh
# usage: hooks_absent.sh NM ARCHIVE — unchecked archive defines and calls
# none of the checker's event hooks.
set -eu
hooks='vrm_check_pte_write|vrm_check_tlbi|vrm_check_dsb|vrm_check_isb|vrm_check_lock_acquired|vrm_check_lock_released|vrm_check_table_publish|vrm_check_owner_change|vrm_check_page_reuse|vrm_check_access|vrm_check_entry_dropped|vrm_check_table_freed|vrm_check_tlbi_hint|vrm_check_pte_run|vrm_check_table_prefilled'
found=$("$1" "$2" 2>/dev/null | grep -E " [TtU] ($hooks)\$" || true)
if [ -n "$found" ]; then
	echo "unchecked build still references checker hooks:"; echo "$found"; exit 1
fi
"$1" "$2" | grep -q ' T vrm_ticket_lock$' || { echo "archive has no vrm_ticket_lock: wrong file?"; exit 1; }
echo "ok: no checker hooks in the unchecked archive"
