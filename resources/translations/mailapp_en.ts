<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
    <context>
        <name>AnalyticsWindow</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/mailings/analytics.py" line="+502" />
            <source>%Ln recipient(s)</source>
            <translation>
                <numerusform>%Ln recipient</numerusform>
                <numerusform>%Ln recipients</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+30" />
            <source>%Ln recipient(s) exported</source>
            <translation>
                <numerusform>%Ln recipient exported</numerusform>
                <numerusform>%Ln recipients exported</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>BounceSection</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/settings/bounce_section.py" line="+73" />
            <source>Connected: the folder holds %n message(s).</source>
            <translation>
                <numerusform>Connected: the folder holds %n message.</numerusform>
                <numerusform>Connected: the folder holds %n messages.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>CampaignEditor</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/campaigns/editor.py" line="+281" />
            <source>{name} (%n contact(s))</source>
            <translation>
                <numerusform>{name} (%n contact)</numerusform>
                <numerusform>{name} (%n contacts)</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>CampaignsPage</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/campaigns/page.py" line="+233" />
            <source>%n participant(s) entered</source>
            <translation>
                <numerusform>%n participant entered</numerusform>
                <numerusform>%n participants entered</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+1" />
            <source>%n in the flow now</source>
            <translation>
                <numerusform>%n in the flow now</numerusform>
                <numerusform>%n in the flow now</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ContactsPage</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/contacts/page.py" line="+261" />
            <source>%Ln contact(s)</source>
            <translation>
                <numerusform>%Ln contact</numerusform>
                <numerusform>%Ln contacts</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>DeleteContactsDialog</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/contacts/selection_dialogs.py" line="+43" />
            <source>Delete %n contact(s)?</source>
            <translation>
                <numerusform>Delete %n contact?</numerusform>
                <numerusform>Delete %n contacts?</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>FollowUps</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/mailings/follow_ups.py" line="+160" />
            <source>Mark %n unconfirmed recipient(s) as delivered?</source>
            <translation>
                <numerusform>Mark %n unconfirmed recipient as delivered?</numerusform>
                <numerusform>Mark %n unconfirmed recipients as delivered?</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MoveContactsDialog</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/contacts/selection_dialogs.py" line="+81" />
            <source>Move %n contact(s) to the folder:</source>
            <translation>
                <numerusform>Move %n contact to the folder:</numerusform>
                <numerusform>Move %n contacts to the folder:</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>OutboxWindow</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/settings/outbox.py" line="+274" />
            <source>%Ln message(s)</source>
            <translation>
                <numerusform>%Ln message</numerusform>
                <numerusform>%Ln messages</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+2" />
            <source>{shown} of %Ln message(s)</source>
            <translation>
                <numerusform>{shown} of %Ln message</numerusform>
                <numerusform>{shown} of %Ln messages</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SubscriptionDialog</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/contacts/selection_dialogs.py" line="-44" />
            <source>Unsubscribe %n contact(s)?</source>
            <translation>
                <numerusform>Unsubscribe %n contact?</numerusform>
                <numerusform>Unsubscribe %n contacts?</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+11" />
            <source>Subscribe %n contact(s) again?</source>
            <translation>
                <numerusform>Subscribe %n contact again?</numerusform>
                <numerusform>Subscribe %n contacts again?</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MailingEditor</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/mailings/editor.py" line="+815" />
            <source>%Ln contact(s) in this folder</source>
            <translation>
                <numerusform>%Ln contact in this folder</numerusform>
                <numerusform>%Ln contacts in this folder</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+202" />
            <source>Too long: at most %n character(s).</source>
            <translation>
                <numerusform>Too long: at most %n character.</numerusform>
                <numerusform>Too long: at most %n characters.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Sent to those mailing {id} did not reach: %n recipient(s), fixed when this follow-up was made. Whoever unsubscribes or is reached meanwhile is left out at the start.</source>
            <translation>
                <numerusform>Sent to those mailing {id} did not reach: %n recipient, fixed when this follow-up was made. Whoever unsubscribes or is reached meanwhile is left out at the start.</numerusform>
                <numerusform>Sent to those mailing {id} did not reach: %n recipients, fixed when this follow-up was made. Whoever unsubscribes or is reached meanwhile is left out at the start.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/main_window.py" line="+453" />
            <source>%n mailing(s)</source>
            <translation>
                <numerusform>%n mailing</numerusform>
                <numerusform>%n mailings</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>campaign_diagram</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/campaign_diagram.py" line="+164" />
            <source>%n participant(s) entered</source>
            <translation>
                <numerusform>%n participant entered</numerusform>
                <numerusform>%n participants entered</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+30" />
            <source>%n participant(s) left</source>
            <translation>
                <numerusform>%n participant left</numerusform>
                <numerusform>%n participants left</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>campaigns_page</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/campaigns_page.py" line="-400" />
            <source>The folder holds %n contact(s) now.</source>
            <translation>
                <numerusform>The folder holds %n contact now.</numerusform>
                <numerusform>The folder holds %n contacts now.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+41" />
            <source>%n participant(s) still in the flow leave it now and get no further emails from the campaign.</source>
            <translation>
                <numerusform>%n participant still in the flow leaves it now and gets no further emails from the campaign.</numerusform>
                <numerusform>%n participants still in the flow leave it now and get no further emails from the campaign.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+31" />
            <source>%n participant(s) are in the flow now.</source>
            <translation>
                <numerusform>%n participant is in the flow now.</numerusform>
                <numerusform>%n participants are in the flow now.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>confirm</name>
        <message numerus="yes">
            <location line="+11" />
            <source>Sending begins %n second(s) after you confirm; until then Stop sending pauses the mailing.</source>
            <translation>
                <numerusform>Sending begins %n second after you confirm; until then Stop sending pauses the mailing.</numerusform>
                <numerusform>Sending begins %n seconds after you confirm; until then Stop sending pauses the mailing.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+43" />
            <source>%n recipient(s) not yet handed to the provider will be stopped.</source>
            <translation>
                <numerusform>%n recipient not yet handed to the provider will be stopped.</numerusform>
                <numerusform>%n recipients not yet handed to the provider will be stopped.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+6" />
            <source>%n email(s) were already handed to the provider; they are not called back.</source>
            <translation>
                <numerusform>%n email was already handed to the provider; it is not called back.</numerusform>
                <numerusform>%n emails were already handed to the provider; they are not called back.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n email(s) were being handed over at your click; they finish either way.</source>
            <translation>
                <numerusform>%n email was being handed over at your click; it finishes either way.</numerusform>
                <numerusform>%n emails were being handed over at your click; they finish either way.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n recipient(s) have no “{field}”; it will be empty in their email.</source>
            <translation>
                <numerusform>%n recipient has no “{field}”; it will be empty in their email.</numerusform>
                <numerusform>%n recipients have no “{field}”; it will be empty in their email.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n more field(s) of the template are missing for some recipients.</source>
            <translation>
                <numerusform>%n more field of the template is missing for some recipients.</numerusform>
                <numerusform>%n more fields of the template are missing for some recipients.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n contact(s) with an invalid or missing address will not be sent the email.</source>
            <translation>
                <numerusform>%n contact with an invalid or missing address will not be sent the email.</numerusform>
                <numerusform>%n contacts with an invalid or missing address will not be sent the email.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n contact(s) unsubscribed and will not be sent the email.</source>
            <translation>
                <numerusform>%n contact unsubscribed and will not be sent the email.</numerusform>
                <numerusform>%n contacts unsubscribed and will not be sent the email.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>The email goes to the %n recipient(s) not reached yet.</source>
            <translation>
                <numerusform>The email goes to the %n recipient not reached yet.</numerusform>
                <numerusform>The email goes to the %n recipients not reached yet.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>The email goes to %n recipient(s) {where}.</source>
            <translation>
                <numerusform>The email goes to %n recipient {where}.</numerusform>
                <numerusform>The email goes to %n recipients {where}.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>The email goes to the %n recipient(s) mailing {id} did not reach.</source>
            <translation>
                <numerusform>The email goes to the %n recipient mailing {id} did not reach.</numerusform>
                <numerusform>The email goes to the %n recipients mailing {id} did not reach.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>labels</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/labels.py" line="+139" />
            <source>Mailing started; sending begins in %n second(s)</source>
            <translation>
                <numerusform>Mailing started; sending begins in %n second</numerusform>
                <numerusform>Mailing started; sending begins in %n seconds</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+10" />
            <source>Mailing started again; sending begins in %n second(s)</source>
            <translation>
                <numerusform>Mailing started again; sending begins in %n second</numerusform>
                <numerusform>Mailing started again; sending begins in %n seconds</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+21" />
            <source>%n email(s) handed to the provider</source>
            <translation>
                <numerusform>%n email handed to the provider</numerusform>
                <numerusform>%n emails handed to the provider</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+4" />
            <source>Stopping the mailing: %n recipient(s) not yet handed over</source>
            <translation>
                <numerusform>Stopping the mailing: %n recipient not yet handed over</numerusform>
                <numerusform>Stopping the mailing: %n recipients not yet handed over</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+7" />
            <source>Mailing stopped manually: %n recipient(s) stopped</source>
            <translation>
                <numerusform>Mailing stopped manually: %n recipient stopped</numerusform>
                <numerusform>Mailing stopped manually: %n recipients stopped</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+7" />
            <source>Mailing completed: %n sent</source>
            <translation>
                <numerusform>Mailing completed: %n sent</numerusform>
                <numerusform>Mailing completed: %n sent</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+4" />
            <source>Time to send expired: %n recipient(s) stopped</source>
            <translation>
                <numerusform>Time to send expired: %n recipient stopped</numerusform>
                <numerusform>Time to send expired: %n recipients stopped</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+12" />
            <source>%n participant(s) added</source>
            <translation>
                <numerusform>%n participant added</numerusform>
                <numerusform>%n participants added</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Follow-up mailing {follow_up} made for %n recipient(s) not reached</source>
            <translation>
                <numerusform>Follow-up mailing {follow_up} made for %n recipient not reached</numerusform>
                <numerusform>Follow-up mailing {follow_up} made for %n recipients not reached</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n unconfirmed recipient(s) marked as delivered</source>
            <translation>
                <numerusform>%n unconfirmed recipient marked as delivered</numerusform>
                <numerusform>%n unconfirmed recipients marked as delivered</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n contact(s) deleted</source>
            <translation>
                <numerusform>%n contact deleted</numerusform>
                <numerusform>%n contacts deleted</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>mailing_table</name>
        <message numerus="yes">
            <location filename="../../mailapp/ui/mailing_table.py" line="+111" />
            <source>{state} — starts in %n s</source>
            <extracomment>The :class:`MailingInfo` of a row (any column). A value that sorts well (numbers, timestamps, lower-cased text). ``(handed over, recipients)`` for the progress column. The badge colour (a colour name) of a cell painted by :class:`StateBadgeDelegate` in any model; mailing rows go by their state. Badge colours (background) by state; text is white or dark by contrast.</extracomment>
            <translation>
                <numerusform>{state} — starts in %n s</numerusform>
                <numerusform>{state} — starts in %n s</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>refusals</name>
        <message numerus="yes">
            <source> and %n more</source>
            <translation>
                <numerusform> and %n more</numerusform>
                <numerusform> and %n more</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>No recipient can be sent this mailing: all %n contact(s) in its folders are invalid, duplicates, unsubscribed or without an address.</source>
            <translation>
                <numerusform>No recipient can be sent this mailing: the %n contact in its folders is invalid, a duplicate, unsubscribed or without an address.</numerusform>
                <numerusform>No recipient can be sent this mailing: all %n contacts in its folders are invalid, duplicates, unsubscribed or without an address.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{field} is longer than %n character(s).</source>
            <translation>
                <numerusform>{field} is longer than %n character.</numerusform>
                <numerusform>{field} is longer than %n characters.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{setting} is longer than %n character(s).</source>
            <translation>
                <numerusform>{setting} is longer than %n character.</numerusform>
                <numerusform>{setting} is longer than %n characters.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Line {line} has {values} values but the header has %n column(s); check the delimiter and the quotes. Nothing was imported.</source>
            <translation>
                <numerusform>Line {line} has {values} values but the header has %n column; check the delimiter and the quotes. Nothing was imported.</numerusform>
                <numerusform>Line {line} has {values} values but the header has %n columns; check the delimiter and the quotes. Nothing was imported.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>The wait at step {step} must last between {minimum_seconds} s and %n day(s).</source>
            <translation>
                <numerusform>The wait at step {step} must last between {minimum_seconds} s and %n day.</numerusform>
                <numerusform>The wait at step {step} must last between {minimum_seconds} s and %n days.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Nobody is left to reach: of the %n recipient(s) chosen, all are unsubscribed, without a valid address, deleted, or reached by a follow-up since.</source>
            <translation>
                <numerusform>Nobody is left to reach: of the %n recipient chosen, all are unsubscribed, without a valid address, deleted, or reached by a follow-up since.</numerusform>
                <numerusform>Nobody is left to reach: of the %n recipients chosen, all are unsubscribed, without a valid address, deleted, or reached by a follow-up since.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Nobody can be sent this follow-up any more: its %n recipient(s) were unsubscribed, reached by another mailing of the chain or deleted since.</source>
            <translation>
                <numerusform>Nobody can be sent this follow-up any more: its %n recipient was unsubscribed, reached by another mailing of the chain or deleted since.</numerusform>
                <numerusform>Nobody can be sent this follow-up any more: its %n recipients were unsubscribed, reached by another mailing of the chain or deleted since.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{setting} must be a plain Latin address without “+”, at most %n character(s) before the @.</source>
            <translation>
                <numerusform>{setting} must be a plain Latin address without “+”, at most %n character before the @.</numerusform>
                <numerusform>{setting} must be a plain Latin address without “+”, at most %n characters before the @.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message numerus="yes">
            <source>The link is longer than %n character(s).</source>
            <translation>
                <numerusform>The link is longer than %n character.</numerusform>
                <numerusform>The link is longer than %n characters.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>A plain Latin address without “+”, at most %n character(s) before the @.</source>
            <translation>
                <numerusform>A plain Latin address without “+”, at most %n character before the @.</numerusform>
                <numerusform>A plain Latin address without “+”, at most %n characters before the @.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>analytics</name>
        <message numerus="yes">
            <source>Handed over per %n seconds</source>
            <translation>
                <numerusform>Handed over per %n second</numerusform>
                <numerusform>Handed over per %n seconds</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Handed over per %n minutes</source>
            <translation>
                <numerusform>Handed over per %n minute</numerusform>
                <numerusform>Handed over per %n minutes</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Handed over per %n hours</source>
            <translation>
                <numerusform>Handed over per %n hour</numerusform>
                <numerusform>Handed over per %n hours</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Handed over per %n days</source>
            <translation>
                <numerusform>Handed over per %n day</numerusform>
                <numerusform>Handed over per %n days</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln message(s) handed over</source>
            <translation>
                <numerusform>%Ln message handed over</numerusform>
                <numerusform>%Ln messages handed over</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ResendDialog</name>
        <message numerus="yes">
            <source>The draft will have up to %n recipient(s).</source>
            <translation>
                <numerusform>The draft will have up to %n recipient.</numerusform>
                <numerusform>The draft will have up to %n recipients.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>The draft is for the %n recipient(s) you chose.</source>
            <translation>
                <numerusform>The draft is for the %n recipient you chose.</numerusform>
                <numerusform>The draft is for the %n recipients you chose.</numerusform>
            </translation>
        </message>
    </context>
</TS>
