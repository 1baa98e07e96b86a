#!/usr/bin/env bash
# The Starfox fixture (plans/starfox_subset.mig): a production-like STARFOX database with
# customer_id tables, user_id tables, foreign-key-only tables one and two hops deep, a
# composite key with a composite foreign key to it, a self-referencing EMPLOYEE, reference
# tables below and above the 400-row threshold, skipped tables and forced ones; plus a
# small ONBOARDING database. The same rows for every engine (portable SQL, one script).
#
# Usage:
#   generate.sh sqlite DIR                     DIR/prod.db with prod_starfox.db and
#                                              prod_onboarding.db to attach (the plan's dev
#                                              environment), and the empty stage files
#   generate.sh mariadb STARFOX ONBOARDING     SQL on stdout that (re)creates the two
#                                              databases under these names:
#                                              generate.sh mariadb STARFOX ONBOARDING | mariadb
#
# The design, and so the slice customer_ids=1,2,3 / seed_user_ids=1,2 must give
# (tests/starfox_test.cpp checks it key by key):
#   CUSTOMER 1..6; ROLE, PROJECT, INVOICE, EMPLOYEE and ONBOARDING.CUSTOMER_STEP carry a
#   customer_id; USER carries customer_id and user_id (user 2 belongs to customer 4: the
#   two filters ANDed drop it); USER_PREFERENCE, ROLE_USER, ONBOARDING.USER_INVITE carry a
#   user_id; ROLE_ACCESS_MAP -> ROLE, ROLE_ACCESS_AUDIT -> ROLE_ACCESS_MAP (two hops),
#   ROLE_USER_GRANT (role_id, grantee_id) -> ROLE_USER (role_id, user_id), INVOICE_LINE ->
#   INVOICE have no filter of their own; invoice 7 (customer 1) points at project 4
#   (customer 4); EMPLOYEE 5 (customer 2) reports to employee 9 (customer 4), 6 to 5,
#   7 (customer 3) to 4 (customer 2), 11 and 12 to each other (no root).
set -euo pipefail

starfox_ddl() {
  cat <<'SQL'
CREATE TABLE `COUNTRY` (
  `country_code` CHAR(2) NOT NULL PRIMARY KEY,
  `name` VARCHAR(60) NOT NULL
);
CREATE TABLE `ACCESS_RIGHT` (
  `access_right_id` INT NOT NULL PRIMARY KEY,
  `name` VARCHAR(60) NOT NULL
);
CREATE TABLE `POSTAL_CODE` (
  `postal_code_id` INT NOT NULL PRIMARY KEY,
  `code` VARCHAR(10) NOT NULL,
  `country_code` CHAR(2) NOT NULL,
  CONSTRAINT `fk_postal_code_country` FOREIGN KEY (`country_code`) REFERENCES `COUNTRY` (`country_code`)
);
CREATE TABLE `CUSTOMER` (
  `customer_id` INT NOT NULL PRIMARY KEY,
  `name` VARCHAR(60) NOT NULL,
  `country_code` CHAR(2) NOT NULL,
  CONSTRAINT `fk_customer_country` FOREIGN KEY (`country_code`) REFERENCES `COUNTRY` (`country_code`)
);
CREATE TABLE `USER` (
  `user_id` INT NOT NULL PRIMARY KEY,
  `customer_id` INT NOT NULL,
  `email` VARCHAR(100) NOT NULL,
  CONSTRAINT `fk_user_customer` FOREIGN KEY (`customer_id`) REFERENCES `CUSTOMER` (`customer_id`)
);
CREATE TABLE `USER_PREFERENCE` (
  `preference_id` INT NOT NULL PRIMARY KEY,
  `user_id` INT NOT NULL,
  `name` VARCHAR(40) NOT NULL,
  `value` VARCHAR(40),
  CONSTRAINT `fk_user_preference_user` FOREIGN KEY (`user_id`) REFERENCES `USER` (`user_id`)
);
CREATE TABLE `ROLE` (
  `role_id` INT NOT NULL PRIMARY KEY,
  `customer_id` INT NOT NULL,
  `name` VARCHAR(40) NOT NULL,
  CONSTRAINT `fk_role_customer` FOREIGN KEY (`customer_id`) REFERENCES `CUSTOMER` (`customer_id`)
);
CREATE TABLE `ROLE_ACCESS_MAP` (
  `role_access_map_id` INT NOT NULL PRIMARY KEY,
  `role_id` INT,
  `access_right_id` INT NOT NULL,
  CONSTRAINT `fk_ram_role` FOREIGN KEY (`role_id`) REFERENCES `ROLE` (`role_id`),
  CONSTRAINT `fk_ram_access_right` FOREIGN KEY (`access_right_id`) REFERENCES `ACCESS_RIGHT` (`access_right_id`)
);
CREATE TABLE `ROLE_ACCESS_AUDIT` (
  `role_access_audit_id` INT NOT NULL PRIMARY KEY,
  `role_access_map_id` INT,
  `note` VARCHAR(60) NOT NULL,
  CONSTRAINT `fk_raa_map` FOREIGN KEY (`role_access_map_id`) REFERENCES `ROLE_ACCESS_MAP` (`role_access_map_id`)
);
CREATE TABLE `ROLE_USER` (
  `role_id` INT NOT NULL,
  `user_id` INT NOT NULL,
  `since` VARCHAR(10) NOT NULL,
  PRIMARY KEY (`role_id`, `user_id`),
  CONSTRAINT `fk_role_user_role` FOREIGN KEY (`role_id`) REFERENCES `ROLE` (`role_id`),
  CONSTRAINT `fk_role_user_user` FOREIGN KEY (`user_id`) REFERENCES `USER` (`user_id`)
);
CREATE TABLE `ROLE_USER_GRANT` (
  `grant_id` INT NOT NULL PRIMARY KEY,
  `role_id` INT NOT NULL,
  `grantee_id` INT,
  `note` VARCHAR(60) NOT NULL,
  CONSTRAINT `fk_grant_role_user` FOREIGN KEY (`role_id`, `grantee_id`) REFERENCES `ROLE_USER` (`role_id`, `user_id`)
);
CREATE TABLE `PROJECT` (
  `project_id` INT NOT NULL PRIMARY KEY,
  `customer_id` INT NOT NULL,
  `name` VARCHAR(60) NOT NULL,
  CONSTRAINT `fk_project_customer` FOREIGN KEY (`customer_id`) REFERENCES `CUSTOMER` (`customer_id`)
);
CREATE TABLE `INVOICE` (
  `invoice_id` INT NOT NULL PRIMARY KEY,
  `customer_id` INT NOT NULL,
  `project_id` INT,
  `amount` DECIMAL(10,2) NOT NULL,
  CONSTRAINT `fk_invoice_customer` FOREIGN KEY (`customer_id`) REFERENCES `CUSTOMER` (`customer_id`),
  CONSTRAINT `fk_invoice_project` FOREIGN KEY (`project_id`) REFERENCES `PROJECT` (`project_id`)
);
CREATE TABLE `INVOICE_LINE` (
  `invoice_id` INT NOT NULL,
  `line_no` INT NOT NULL,
  `amount` DECIMAL(10,2) NOT NULL,
  PRIMARY KEY (`invoice_id`, `line_no`),
  CONSTRAINT `fk_invoice_line_invoice` FOREIGN KEY (`invoice_id`) REFERENCES `INVOICE` (`invoice_id`)
);
CREATE TABLE `EMPLOYEE` (
  `employee_id` INT NOT NULL PRIMARY KEY,
  `customer_id` INT NOT NULL,
  `manager_id` INT,
  `name` VARCHAR(60) NOT NULL,
  CONSTRAINT `fk_employee_customer` FOREIGN KEY (`customer_id`) REFERENCES `CUSTOMER` (`customer_id`),
  CONSTRAINT `fk_employee_manager` FOREIGN KEY (`manager_id`) REFERENCES `EMPLOYEE` (`employee_id`)
);
CREATE TABLE `AUDIT_LOG` (
  `audit_log_id` INT NOT NULL PRIMARY KEY,
  `customer_id` INT NOT NULL,
  `message` VARCHAR(100) NOT NULL
);
CREATE TABLE `temp_data` (
  `temp_id` INT NOT NULL PRIMARY KEY,
  `payload` VARCHAR(100)
);
CREATE TABLE `schema_version` (
  `version` VARCHAR(20) NOT NULL PRIMARY KEY,
  `description` VARCHAR(100) NOT NULL
);
CREATE TABLE `flyway_schema_history` (
  `installed_rank` INT NOT NULL PRIMARY KEY,
  `version` VARCHAR(50),
  `description` VARCHAR(200) NOT NULL,
  `success` INT NOT NULL
);
SQL
}

starfox_rows() {
  local countries=(AR AT AU BE BR CA CH CL CN CZ DE DK ES FI FR GB GR IE IN IT JP KR MX NL NO PL PT SE TR US)
  local i sep
  printf 'INSERT INTO `COUNTRY` (`country_code`, `name`) VALUES\n'
  sep=' '
  for i in "${!countries[@]}"; do
    printf "%s('%s', 'Country %s')\n" "$sep" "${countries[$i]}" "${countries[$i]}"
    sep=','
  done
  printf ';\nINSERT INTO `ACCESS_RIGHT` (`access_right_id`, `name`) VALUES\n'
  sep=' '
  for i in $(seq 1 20); do printf "%s(%d, 'right %d')\n" "$sep" "$i" "$i"; sep=','; done
  # 600 postal codes: above `confirm above 400`, nothing points at them.
  printf ';\nINSERT INTO `POSTAL_CODE` (`postal_code_id`, `code`, `country_code`) VALUES\n'
  sep=' '
  for i in $(seq 1 600); do
    printf "%s(%d, '%05d', '%s')\n" "$sep" "$i" "$((i * 37 % 100000))" "${countries[$((i % 30))]}"
    sep=','
  done
  printf ';\n'
  cat <<'SQL'
INSERT INTO `CUSTOMER` (`customer_id`, `name`, `country_code`) VALUES
 (1, 'Starfox Ltd', 'DE'), (2, 'Falco GmbH', 'FR'), (3, 'Slippy Inc', 'US'),
 (4, 'Peppy SA', 'DE'), (5, 'Andross Srl', 'IT'), (6, 'Wolf SL', 'ES');
INSERT INTO `USER` (`user_id`, `customer_id`, `email`) VALUES
 (1, 1, 'admin@starfox.example'), (2, 4, 'admin@peppy.example'), (3, 1, 'fox@starfox.example'),
 (4, 2, 'falco@falco.example'), (5, 3, 'slippy@slippy.example'), (6, 5, 'andross@andross.example');
INSERT INTO `USER_PREFERENCE` (`preference_id`, `user_id`, `name`, `value`) VALUES
 (1, 1, 'theme', 'dark'), (2, 1, 'lang', 'de'), (3, 2, 'theme', 'light'), (4, 3, 'lang', 'en'),
 (5, 5, 'theme', NULL);
INSERT INTO `ROLE` (`role_id`, `customer_id`, `name`) VALUES
 (1, 1, 'admin'), (2, 1, 'viewer'), (3, 2, 'admin'), (4, 3, 'admin'), (5, 4, 'admin'),
 (6, 5, 'admin'), (7, 6, 'admin'), (8, 2, 'viewer');
INSERT INTO `ROLE_ACCESS_MAP` (`role_access_map_id`, `role_id`, `access_right_id`) VALUES
 (1, 1, 1), (2, 1, 2), (3, 2, 3), (4, 3, 1), (5, 4, 5), (6, 5, 1), (7, 6, 2), (8, 7, 3),
 (9, 8, 4), (10, NULL, 6);
INSERT INTO `ROLE_ACCESS_AUDIT` (`role_access_audit_id`, `role_access_map_id`, `note`) VALUES
 (1, 1, 'granted'), (2, 3, 'granted'), (3, 6, 'granted'), (4, 8, 'revoked'), (5, 9, 'granted'),
 (6, NULL, 'orphaned'), (7, 10, 'granted');
INSERT INTO `ROLE_USER` (`role_id`, `user_id`, `since`) VALUES
 (1, 1, '2020-01-01'), (1, 3, '2020-02-01'), (2, 1, '2020-03-01'), (3, 2, '2020-04-01'),
 (4, 1, '2020-05-01'), (5, 1, '2020-06-01'), (8, 4, '2020-07-01');
INSERT INTO `ROLE_USER_GRANT` (`grant_id`, `role_id`, `grantee_id`, `note`) VALUES
 (1, 1, 1, 'a'), (2, 2, 1, 'b'), (3, 3, 2, 'c'), (4, 5, 1, 'd'), (5, 1, 3, 'e'),
 (6, 4, NULL, 'f'), (7, 4, 1, 'g');
INSERT INTO `PROJECT` (`project_id`, `customer_id`, `name`) VALUES
 (1, 1, 'Arwing'), (2, 1, 'Great Fox'), (3, 2, 'Landmaster'), (4, 4, 'Blue Marine'),
 (5, 3, 'Corneria'), (6, 6, 'Wolfen');
INSERT INTO `INVOICE` (`invoice_id`, `customer_id`, `project_id`, `amount`) VALUES
 (1, 1, 1, 100.10), (2, 1, NULL, 200.20), (3, 2, 3, 300.30), (4, 4, 4, 400.40),
 (5, 3, 5, 500.50), (6, 5, NULL, 600.60), (7, 1, 4, 700.70);
INSERT INTO `INVOICE_LINE` (`invoice_id`, `line_no`, `amount`) VALUES
 (1, 1, 50.05), (1, 2, 50.05), (2, 1, 200.20), (4, 1, 400.40), (5, 1, 250.25), (5, 2, 250.25),
 (6, 1, 600.60), (7, 1, 700.70);
INSERT INTO `EMPLOYEE` (`employee_id`, `customer_id`, `manager_id`, `name`) VALUES
 (1, 1, NULL, 'Fox'), (2, 1, 1, 'Peppy'), (3, 1, 2, 'Slippy'), (4, 2, NULL, 'Falco'),
 (5, 2, 9, 'Katt'), (6, 2, 5, 'Bill'), (7, 3, 4, 'Krystal'), (8, 4, NULL, 'Wolf'),
 (9, 4, 8, 'Leon'), (10, 5, NULL, 'Andross'), (11, 1, 12, 'Pigma'), (12, 1, 11, 'Andrew');
INSERT INTO `AUDIT_LOG` (`audit_log_id`, `customer_id`, `message`) VALUES
 (1, 1, 'login'), (2, 1, 'logout'), (3, 2, 'login'), (4, 3, 'login'), (5, 4, 'login');
INSERT INTO `temp_data` (`temp_id`, `payload`) VALUES (1, 'scratch'), (2, NULL), (3, 'x');
INSERT INTO `schema_version` (`version`, `description`) VALUES
 ('1.0', 'initial'), ('1.1', 'roles'), ('1.2', 'invoices'), ('2.0', 'employees'), ('2.1', 'grants');
INSERT INTO `flyway_schema_history` (`installed_rank`, `version`, `description`, `success`) VALUES
 (1, '1', 'init', 1), (2, '2', 'roles', 1), (3, '3', 'broken', 0), (4, NULL, 'repeatable view', 1);
SQL
}

onboarding_ddl() {
  cat <<'SQL'
CREATE TABLE `STEP` (
  `step_id` INT NOT NULL PRIMARY KEY,
  `name` VARCHAR(40) NOT NULL
);
CREATE TABLE `CUSTOMER_STEP` (
  `customer_step_id` INT NOT NULL PRIMARY KEY,
  `customer_id` INT NOT NULL,
  `step_id` INT NOT NULL,
  `done` INT NOT NULL,
  CONSTRAINT `fk_customer_step_step` FOREIGN KEY (`step_id`) REFERENCES `STEP` (`step_id`)
);
CREATE TABLE `USER_INVITE` (
  `invite_id` INT NOT NULL PRIMARY KEY,
  `user_id` INT NOT NULL,
  `email` VARCHAR(100) NOT NULL
);
CREATE TABLE `temp_data` (
  `temp_id` INT NOT NULL PRIMARY KEY,
  `payload` VARCHAR(100)
);
SQL
}

onboarding_rows() {
  cat <<'SQL'
INSERT INTO `STEP` (`step_id`, `name`) VALUES
 (1, 'signup'), (2, 'verify'), (3, 'invite'), (4, 'configure'), (5, 'launch');
INSERT INTO `CUSTOMER_STEP` (`customer_step_id`, `customer_id`, `step_id`, `done`) VALUES
 (1, 1, 1, 1), (2, 1, 2, 0), (3, 2, 1, 1), (4, 4, 1, 1), (5, 3, 3, 0), (6, 6, 2, 1);
INSERT INTO `USER_INVITE` (`invite_id`, `user_id`, `email`) VALUES
 (1, 1, 'a@starfox.example'), (2, 2, 'b@peppy.example'), (3, 3, 'c@starfox.example'),
 (4, 6, 'd@andross.example');
INSERT INTO `temp_data` (`temp_id`, `payload`) VALUES (1, 'scratch'), (2, 'more');
SQL
}

# `name` as a MariaDB identifier (backquotes doubled).
mariadb_ident() { printf '`%s`' "${1//\`/\`\`}"; }

case "${1:-}" in
  sqlite)
    dir=${2:?usage: generate.sh sqlite DIR}
    mkdir -p "$dir"
    rm -f "$dir"/prod.db "$dir"/prod_starfox.db "$dir"/prod_onboarding.db \
          "$dir"/stage.db "$dir"/stage_starfox.db "$dir"/stage_onboarding.db
    # The main files hold no table: each schema is its own attached file.
    for f in prod.db stage.db stage_starfox.db stage_onboarding.db; do
      sqlite3 "$dir/$f" 'PRAGMA user_version = 1;'
    done
    { echo 'BEGIN;'; starfox_ddl; starfox_rows; echo 'COMMIT;'; } | sqlite3 -bail "$dir/prod_starfox.db"
    { echo 'BEGIN;'; onboarding_ddl; onboarding_rows; echo 'COMMIT;'; } | sqlite3 -bail "$dir/prod_onboarding.db"
    ;;
  mariadb)
    starfox=$(mariadb_ident "${2:?usage: generate.sh mariadb STARFOX ONBOARDING}")
    onboarding=$(mariadb_ident "${3:?usage: generate.sh mariadb STARFOX ONBOARDING}")
    # The employee cycle (11 <-> 12) loads only with the checks off, as a dump would.
    echo 'SET FOREIGN_KEY_CHECKS = 0;'
    for db in "$starfox" "$onboarding"; do
      echo "DROP DATABASE IF EXISTS $db;"
      echo "CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
    done
    echo "USE $starfox;"
    starfox_ddl
    starfox_rows
    echo "USE $onboarding;"
    onboarding_ddl
    onboarding_rows
    echo 'SET FOREIGN_KEY_CHECKS = 1;'
    ;;
  *)
    echo "usage: generate.sh sqlite DIR | generate.sh mariadb STARFOX ONBOARDING" >&2
    exit 2
    ;;
esac
