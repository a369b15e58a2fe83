#include <stdio.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

/* readline's settings are C globals, which Swift 6 will not touch directly; these set and read
   them for the shell's line editor (one thread). */

/* After \i only blanks end a word, so a whole path is completed. */
static inline char *rivulet_readline_word_breaks(void) {
    const char *line = rl_line_buffer;
    while (*line == ' ' || *line == '\t') line++;
    if (strncmp(line, "\\i ", 3) == 0 || strncmp(line, "\\include ", 9) == 0) return " \t\n";
    return NULL;
}

static inline void rivulet_readline_configure(const char *name, const char *word_breaks, rl_completion_func_t *complete) {
    rl_readline_name = name;
    rl_completion_word_break_hook = rivulet_readline_word_breaks;
    rl_catch_signals = 0;
    rl_completer_word_break_characters = word_breaks;
    rl_attempted_completion_function = complete;
    /* A statement of several lines is one history entry, in the file too (entries there are
       delimited by timestamp lines). */
    history_comment_char = '#';
    history_write_timestamps = 1;
    history_multiline_entries = 1;
}

static inline void rivulet_readline_completion_over(int append_character) {
    rl_attempted_completion_over = 1;
    rl_completion_append_character = append_character;
}

static inline void rivulet_readline_complete_file_names(void) {
    rl_attempted_completion_over = 0;
    rl_completion_append_character = ' ';
}

static inline const char *rivulet_readline_line_buffer(void) { return rl_line_buffer; }

static inline void rivulet_readline_discard_line(void) {
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_point = 0;
    rl_end = 0;
}

static inline const char *rivulet_readline_last_history(void) {
    HIST_ENTRY *entry = history_get(history_base + history_length - 1);
    return entry ? entry->line : NULL;
}
