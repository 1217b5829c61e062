"""What every tracked public case shares (pollution tips, disclosure requests, and the modules to come):
tracking codes, deadlines on the working-day calendar, three-colour supervision counted in SQL, the timeline
entry, the audited look at a person's identity, the public actors, and paged queues. Depends on no domain."""
