"""What every domain uses: errors, time, pagination, the access policy, the audit log."""
