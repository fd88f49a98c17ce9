"""The expert pool (专家库): profiles, the specialty classification, leave, sanctions and
Excel import/export. Every function that writes is one business action: keyword-only
arguments, one transaction, ledger entries in the same transaction, nothing half-saved.

Who may do what: centre staff (交易中心) manage the pool — create, edit, sanction, review
profile changes, import; an expert edits only their own profile and leave. Contact,
education, bank account and declared conflicts apply at once; employer, title and
specialties go to the centre for review (信息变更审核).

Ledger payloads carry ids, statuses and SHA-256 digests — never names, ID numbers or phone
numbers: the ledger is public.

- ``_common``: limits, access checks, locking, digests
- ``fields``: field labels, cleaners and cross-field checks, ``current_data``
- ``profiles``: ``create_expert``, ``update_expert``, ``update_own_profile``,
  ``approve_profile_change``, ``return_profile_change``, ``create_expert_account``
- ``availability``: ``add_leave``, ``cancel_leave``, ``sanction_expert``, ``lift_sanction``,
  ``restore_expired_sanctions``
- ``classification``: ``load_specialties``, ``import_specialties``, ``export_specialties``
- ``excel``: the import report and sheet reading/writing, ``import_experts``,
  ``export_experts``
"""

from ._common import (
    DATA_DIR,
    DEFAULT_SPECIALTIES,
    MAX_CONFLICTS,
    MAX_IMPORT_ROWS,
    MAX_OTHER_SPECIALTIES,
    REASON_MAX,
    digest,
    expert_of,
    lock_expert,
    require_centre,
    require_self_or_centre,
    subject_of,
)
from .availability import (
    add_leave,
    cancel_leave,
    lift_sanction,
    restore_expired_sanctions,
    sanction_expert,
)
from .classification import (
    SPECIALTY_COLUMNS,
    export_specialties,
    import_specialties,
    load_specialties,
    specialty_level,
    specialty_parent,
)
from .excel import (
    EXPERT_COLUMNS,
    XLSX_CONTENT_TYPE,
    ImportReport,
    RowError,
    export_experts,
    import_experts,
)
from .fields import (
    CLEANERS,
    EXPERT_FIELDS,
    FIELD_LABELS,
    REQUIRED_FIELDS,
    SELF_DIRECT_FIELDS,
    SELF_REVIEWED_FIELDS,
    clean_fields,
    current_data,
    validate_new_expert,
)
from .profiles import (
    NewAccount,
    ProfileUpdate,
    approve_profile_change,
    create_expert,
    create_expert_account,
    return_profile_change,
    update_expert,
    update_own_profile,
)

__all__ = [
    "CLEANERS",
    "DATA_DIR",
    "DEFAULT_SPECIALTIES",
    "EXPERT_COLUMNS",
    "EXPERT_FIELDS",
    "FIELD_LABELS",
    "MAX_CONFLICTS",
    "MAX_IMPORT_ROWS",
    "MAX_OTHER_SPECIALTIES",
    "REASON_MAX",
    "REQUIRED_FIELDS",
    "SELF_DIRECT_FIELDS",
    "SELF_REVIEWED_FIELDS",
    "SPECIALTY_COLUMNS",
    "XLSX_CONTENT_TYPE",
    "ImportReport",
    "NewAccount",
    "ProfileUpdate",
    "RowError",
    "add_leave",
    "approve_profile_change",
    "cancel_leave",
    "clean_fields",
    "create_expert",
    "create_expert_account",
    "current_data",
    "digest",
    "expert_of",
    "export_experts",
    "export_specialties",
    "import_experts",
    "import_specialties",
    "lift_sanction",
    "load_specialties",
    "lock_expert",
    "require_centre",
    "require_self_or_centre",
    "restore_expired_sanctions",
    "return_profile_change",
    "sanction_expert",
    "specialty_level",
    "specialty_parent",
    "subject_of",
    "update_expert",
    "update_own_profile",
    "validate_new_expert",
]
