/** Trellis's own roster columns: the header of its CSV, and the fields a column mapping fills. */
export const REQUIRED_COLUMNS = ['email', 'full_name', 'role', 'line_manager_email'] as const;
export const OPTIONAL_COLUMNS = ['department', 'coach_email', 'start_date', 'contract', 'contract_end', 'flags', 'fte'] as const;
